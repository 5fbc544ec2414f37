package dev.kanal.media;

/** ffmpeg or ffprobe is missing or failed; the message is fit for users. */
public final class MediaToolException extends Exception {

  /** A failure with a user-facing sentence. */
  public MediaToolException(String message) {
    super(message);
  }

  /** A failure with a user-facing sentence and its cause (shown with --debug). */
  public MediaToolException(String message, Throwable cause) {
    super(message, cause);
  }
}
