package dev.kanal.net;

import java.net.http.HttpClient;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK's default TLS, set up when the first https connection needs it rather than when an
 * {@link HttpClient} is built. Building a client otherwise loads the trust store and the cipher
 * suites at once (0.2 to 0.3 s of CPU on a cold JVM, measured on the 300-segment recording
 * benchmark), which a command that fetches only {@code http://} URLs never needs.
 *
 * <p>Behaviour is the default context's: every method delegates to {@link SSLContext#getDefault()}.
 * The client is given empty {@link SSLParameters} so that building it does not ask for the default
 * parameters; unset cipher suites and protocols mean the engine's defaults, and the client still
 * sets host name verification, SNI and ALPN on every connection.
 */
public final class DeferredTls {

  private static final SSLContext CONTEXT = new SSLContext(new Spi(), new Provider("KanalDeferredTls", "1",
      "the default TLS context, set up on first use") {
    private static final long serialVersionUID = 1L;
  }, "Default") {};

  private DeferredTls() {}

  /** Gives the builder the deferred default context. */
  public static HttpClient.Builder apply(HttpClient.Builder builder) {
    return builder.sslContext(CONTEXT).sslParameters(new SSLParameters());
  }

  /** The default context, set up now if it was not yet (a failure surfaces on the connection that needs it). */
  private static SSLContext real() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("TLS is not available in this Java runtime: " + e.getMessage(), e);
    }
  }

  private static final class Spi extends SSLContextSpi {
    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("the default TLS context cannot be initialised again");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
    }
  }
}
