package dev.fhec.cli;

/** Entry point of the {@code fhec} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(FhecCommand.newCommandLine().execute(args));
  }
}
