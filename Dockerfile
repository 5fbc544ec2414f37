# syntax=docker/dockerfile:1
# Kanal image for linux/amd64 and linux/arm64 (docs/DEPLOY.md):
#   docker buildx build --platform linux/amd64,linux/arm64 -t kanal:latest .
#   docker run -p 8080:8080 -v kanal-data:/var/lib/kanal -v /srv/media:/media:ro kanal:latest serve --media /media
#   (a config file: -v ./kanal.yaml:/etc/kanal/kanal.yaml:ro -e KANAL_CONFIG=/etc/kanal/kanal.yaml)
# No Docker engine runs on the project's build machines: this file is kept right by review and by
# dev.kanal.deploy.DeployFilesTest (which checks its ports, health check and KANAL_* variables).

# Build once on the build machine's own platform. The jar bundles ffmpeg (and SQLite) for both
# linux-x86_64 and linux-arm64; -Parm64 only makes linux-arm64 the primary javacpp.platform.
FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-21 AS build
ARG TARGETARCH
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline -DskipTests || true
COPY src ./src
RUN mvn -q -B -DskipTests $([ "$TARGETARCH" = "arm64" ] && echo -Parm64) package

# Run on a small JRE with the distribution's ffmpeg (found on PATH before the bundled one).
FROM eclipse-temurin:21-jre-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/kanal kanal \
 && mkdir -p /var/lib/kanal /etc/kanal /media \
 && chown kanal:kanal /var/lib/kanal
COPY --from=build /src/target/kanal.jar /opt/kanal/kanal.jar
COPY --from=build /src/target/lib /opt/kanal/lib
USER 10001:10001
ENV KANAL_SERVER_HOST=0.0.0.0 \
    KANAL_SERVER_PORT=8080 \
    KANAL_STORAGE_DATA_DIR=/var/lib/kanal \
    KANAL_LOG_FORMAT=json
EXPOSE 8080
VOLUME ["/var/lib/kanal", "/etc/kanal", "/media"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=40s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/api/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/kanal/kanal.jar"]
CMD ["serve"]
