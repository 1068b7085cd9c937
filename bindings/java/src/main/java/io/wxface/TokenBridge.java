package io.wxface;

import com.sun.jna.Pointer;
import io.wxface.internal.SizeT;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries a {@link TokenProvider} across the C boundary. Whatever the
 * provider does, C gets a return code: an exception let through would be
 * swallowed by JNA and read by C as WXFACE_OK with an empty token.
 */
final class TokenBridge implements Lib.TokenCallback {
    private static final int FAILED = WxFaceException.Code.ACCESS_TOKEN.value();
    private static final Logger LOG = Logger.getLogger("io.wxface");

    private final TokenProvider provider;

    TokenBridge(TokenProvider provider) {
        this.provider = provider;
    }

    @Override
    public int invoke(Pointer userData, Pointer staleToken, Pointer tokenOut, SizeT tokenOutLen, Pointer expiresIn) {
        try {
            TokenProvider.Token token = provider.fetch(CStrings.read(staleToken));
            if (token == null) {
                LOG.warning("token provider returned null");
                return FAILED;
            }
            byte[] value = token.getValue().getBytes(StandardCharsets.UTF_8);
            if (value.length == 0 || value.length + 1 > tokenOutLen.longValue() || contains(value, (byte) 0)) {
                LOG.warning("token provider returned a token that is empty, contains NUL, or is longer than "
                        + (tokenOutLen.longValue() - 1) + " bytes");
                return FAILED;
            }
            tokenOut.write(0, value, 0, value.length);
            tokenOut.setByte(value.length, (byte) 0);
            expiresIn.setLong(0, token.getExpiresInSeconds());
            return 0;
        } catch (Throwable e) {
            // The class only at WARNING: a provider's message might quote a credential.
            LOG.warning("token provider threw " + e.getClass().getName());
            LOG.log(Level.FINE, "token provider failure", e);
            return FAILED;
        }
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }
}
