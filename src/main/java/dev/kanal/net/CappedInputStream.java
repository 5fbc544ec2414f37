package dev.kanal.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fails with an IOException once more than {@code max} bytes have been read, so a hostile or broken
 * server cannot fill memory or disk: "{what} is larger than the limit of {max} bytes".
 */
public final class CappedInputStream extends FilterInputStream {

  private final long max;
  private final String what;
  private long count;

  /** Caps {@code in} at {@code max} bytes; {@code what} names the input in the error, e.g. "response from URL". */
  public CappedInputStream(InputStream in, long max, String what) {
    super(in);
    this.max = max;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  private void add(int n) throws IOException {
    count += n;
    if (count > max) {
      throw new IOException(what + " is larger than the limit of " + max + " bytes");
    }
  }
}
