package dev.kanal.cli;

/** A stand-in for kanal.jar in {@link LauncherTest}: prints its arguments on one line. */
public final class LauncherHello {

  private LauncherHello() {}

  public static void main(String[] args) {
    System.out.println("hello " + String.join(" ", args));
  }
}
