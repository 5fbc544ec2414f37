# Sourced by bench scripts: exports JAVA_HOME for a JDK >= 21, the same search as ./kanal.
kanal_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$kanal_root/kanal" --print-java-env)"
