package dev.fhec.cli;

/** Chooses the {@link Engine} the commands use. */
public final class Engines {
  private Engines() {}

  /** The engine backed by the project's compiler and runtime. */
  public static Engine current() {
    return new ProjectEngine();
  }
}
