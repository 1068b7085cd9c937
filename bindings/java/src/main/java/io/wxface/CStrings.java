package io.wxface;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Java strings to and from the C ABI's NUL-terminated UTF-8. Done by hand
 * rather than with JNA's String mapping, which uses the platform charset.
 */
final class CStrings {
    private CStrings() {}

    /**
     * A required argument as NUL-terminated UTF-8. A null is a
     * NullPointerException naming the argument; a NUL inside would silently
     * cut the string in C and a lone surrogate has no UTF-8 form, so both
     * are refused here rather than altered.
     */
    static byte[] required(String value, String argument) {
        Objects.requireNonNull(value, argument);
        return encode(value, argument);
    }

    /** An optional argument: null stays null (NULL in C). */
    static byte[] optional(String value, String argument) {
        return value == null ? null : encode(value, argument);
    }

    /** Bytes with a length of their own (push bodies): never NULL, even when empty. */
    static byte[] bytes(byte[] value, String argument) {
        Objects.requireNonNull(value, argument);
        // A zero-length Java array may reach C as NULL, which the ABI refuses.
        return value.length == 0 ? new byte[1] : value;
    }

    private static byte[] encode(String value, String argument) {
        // The usual argument is ASCII (ID numbers, verify_results, queries):
        // checked and copied in one pass, into the one array C receives.
        int n = value.length();
        byte[] ascii = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c >= 0x80) {
                return encodeChecked(value, argument);
            }
            ascii[i] = (byte) c;
        }
        return ascii;
    }

    private static byte[] encodeChecked(String value, String argument) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw new WxFaceException(WxFaceException.Code.INVALID_ARGUMENT, argument
                        + ": contains a NUL character at index " + i);
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        && i + 1 < n
                        && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    throw new WxFaceException(WxFaceException.Code.INVALID_ENCODING, argument
                            + ": unpaired UTF-16 surrogate at index " + i);
                }
                i++;
            }
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    /** A C string returned by the library, or null for NULL. */
    static String read(Pointer p) {
        return p == null ? null : p.getString(0, "UTF-8");
    }

    /** The text before the first NUL of a caller buffer the library filled. */
    static String fromBuffer(byte[] buf) {
        int end = 0;
        while (end < buf.length && buf[end] != 0) {
            end++;
        }
        return new String(buf, 0, end, StandardCharsets.UTF_8);
    }
}
