package dev.kanal.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes sure the data folder exists and is writable before anything is stored there. */
final class DataDir {

  private DataDir() {}

  static Path prepare(Path dir) throws CommandException {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
      Path probe = Files.createTempFile(abs, ".write-test-", ".tmp");
      Files.delete(probe);
      return abs;
    } catch (AccessDeniedException e) {
      throw new CommandException("data folder " + abs + " is not writable (permission denied): choose another with --data or storage.dataDir");
    } catch (FileSystemException e) {
      String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
      throw new CommandException("data folder " + abs + " cannot be used (" + reason + "): choose another with --data or storage.dataDir");
    } catch (IOException e) {
      throw new CommandException("data folder " + abs + " cannot be used (" + e.getMessage() + "): choose another with --data or storage.dataDir");
    }
  }
}
