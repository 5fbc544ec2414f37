package dev.kanal.cli;

/** Kanal's version, from the jar manifest; "dev" when running from a build folder. */
public final class Version {

  private Version() {}

  /** The version, e.g. "0.1.0-SNAPSHOT". */
  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
