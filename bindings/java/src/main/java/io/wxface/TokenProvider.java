package io.wxface;

import java.util.Objects;

/**
 * Supplies access tokens (e.g. from a central token server) instead of
 * appid and secret. Called from the thread making a wxface call, one call
 * at a time per client. Anything it throws fails that call with
 * {@link WxFaceException.Code#ACCESS_TOKEN}; it never propagates into the
 * native library.
 */
@FunctionalInterface
public interface TokenProvider {
    /**
     * @param staleToken null, or the token WeChat just rejected: return a different one
     * @return the token to use
     */
    Token fetch(String staleToken) throws Exception;

    /** An access token and its remaining lifetime. Immutable. */
    final class Token {
        private final String value;
        private final long expiresInSeconds;

        /**
         * @param value the token: printable ASCII, at most 2048 bytes
         * @param expiresInSeconds remaining lifetime; 0 or less: until WeChat rejects it
         */
        public Token(String value, long expiresInSeconds) {
            this.value = Objects.requireNonNull(value, "value");
            this.expiresInSeconds = expiresInSeconds;
        }

        public String getValue() {
            return value;
        }

        public long getExpiresInSeconds() {
            return expiresInSeconds;
        }

        @Override
        public String toString() {
            // Never the token itself: it is a credential.
            return "Token(expiresInSeconds=" + expiresInSeconds + ")";
        }
    }
}
