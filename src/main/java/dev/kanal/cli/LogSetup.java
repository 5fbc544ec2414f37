package dev.kanal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.kanal.config.KanalConfig.LogConfig;
import java.net.URL;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.format} and {@code log.level} from the loaded configuration, unless the
 * {@code --log-format}/{@code --log-level}/{@code --debug} flags (read before any logger existed)
 * already decided them: flags > environment > file > defaults, as for every other key.
 */
final class LogSetup {

  static final String TEXT_CONFIG = "logback-text.xml";
  static final String JSON_CONFIG = "logback-json.xml";
  static final String FORMAT_FLAG = "kanal.log.format.flag";
  static final String LEVEL_FLAG = "kanal.log.level.flag";

  private LogSetup() {}

  static void apply(LogConfig log) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
        || System.getProperty("logback.configurationFile") == null) {
      // Not started through Main (tests, embedding): leave the host's logging alone.
      return;
    }
    if (System.getProperty(FORMAT_FLAG) == null) {
      String wanted = log.format().equalsIgnoreCase("json") ? JSON_CONFIG : TEXT_CONFIG;
      if (!wanted.equals(System.getProperty("logback.configurationFile"))) {
        System.setProperty("logback.configurationFile", wanted);
        reconfigure(context, wanted);
      }
    }
    if (System.getProperty(LEVEL_FLAG) == null) {
      Level level = Level.toLevel(log.level().toUpperCase(Locale.ROOT), Level.INFO);
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(level);
    }
  }

  private static void reconfigure(LoggerContext context, String resource) {
    URL url = LogSetup.class.getClassLoader().getResource(resource);
    if (url == null) {
      return;
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(url);
    } catch (JoranException e) {
      System.err.println("kanal: cannot apply log.format: " + e.getMessage());
    }
  }
}
