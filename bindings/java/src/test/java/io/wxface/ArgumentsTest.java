package io.wxface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    /** The thread's own arguments: the ones take() hands out when none are in use. */
    private static Arguments threads() {
        Arguments a = Arguments.take();
        a.release();
        return a;
    }

    private static byte[] written(Arguments a, int i) {
        return a.get(i).getByteArray(0, (int) a.length(i) + 1);
    }

    private static byte[] cString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    @Test
    void textsAreWrittenAsNulTerminatedUtf8() {
        String[] texts = {"11010519491231002X", "张三", "a\uD83D\uDE00b", "", "é"};
        Arguments a = Arguments.take();
        try {
            for (String t : texts) {
                a.required(t, "t");
            }
            for (int i = 0; i < texts.length; i++) {
                assertArrayEquals(cString(texts[i]), written(a, i), texts[i]);
                assertEquals(texts[i].getBytes(StandardCharsets.UTF_8).length, a.length(i));
            }
        } finally {
            a.release();
        }
    }

    @Test
    void anAbsentOptionalIsNullAndEmptyBytesStillHaveAnAddress() {
        Arguments a = Arguments.take().optional(null, "openid").bytes(new byte[0], "body").bytes(new byte[] {1, 0, 2}, "b");
        try {
            assertNull(a.get(0));
            assertNotNull(a.get(1));
            assertEquals(0, a.length(1));
            assertArrayEquals(new byte[] {1, 0, 2}, a.get(2).getByteArray(0, 3));
        } finally {
            a.release();
        }
    }

    @Test
    void aRefusedArgumentReleasesTheThreadsArguments() {
        Arguments mine = threads();
        WxFaceException nul = assertThrows(WxFaceException.class,
                () -> Arguments.take().required("ok", "verifyResult").required("a\0b", "name"));
        assertEquals(WxFaceException.Code.INVALID_ARGUMENT, nul.getCode());
        assertEquals(assertThrows(WxFaceException.class, () -> CStrings.required("a\0b", "name")).getMessage(),
                nul.getMessage());
        assertTrue(nul.getMessage().endsWith("name: contains a NUL character at index 1"), nul.getMessage());
        assertSame(mine, threads());
        WxFaceException lone = assertThrows(WxFaceException.class,
                () -> Arguments.take().required("a\uD800b", "name"));
        assertEquals(WxFaceException.Code.INVALID_ENCODING, lone.getCode());
        assertEquals(assertThrows(WxFaceException.class, () -> CStrings.required("a\uD800b", "name")).getMessage(),
                lone.getMessage());
        assertSame(mine, threads());
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Arguments.take().required("ok", "verifyResult").required(null, "idCardNumber"));
        assertEquals("idCardNumber", npe.getMessage());
        assertSame(mine, threads());
    }

    /** A call made from a callback inside another call on the same thread must not overwrite its arguments. */
    @Test
    void argumentsTakenWhileTheThreadsAreInUseAreMemoryOfTheirOwn() {
        Arguments outer = Arguments.take().required("outer-verify-result", "verifyResult");
        try {
            Arguments inner = Arguments.take();
            assertNotSame(outer, inner);
            inner.required("inner-argument-that-is-longer", "verifyResult");
            inner.release();
            assertArrayEquals(cString("outer-verify-result"), written(outer, 0));
        } finally {
            outer.release();
        }
        assertSame(outer, threads());
    }

    @Test
    void releasedArgumentsAreZeroed() {
        Arguments a = Arguments.take().required("11010519491231002X", "idCardNumber").required("张三", "name");
        long at = Pointer.nativeValue(a.get(0));
        int n = (int) (a.length(0) + 1 + a.length(1) + 1);
        a.release();
        assertArrayEquals(new byte[n], new Pointer(at).getByteArray(0, n));
    }

    @Test
    void argumentsLargerThanTheKeptMemoryArriveWhole() {
        char[] big = new char[20_000];
        Arrays.fill(big, '字');
        String large = new String(big);
        Arguments a = Arguments.take().required("first", "a").required(large, "b").required("last", "c");
        try {
            assertArrayEquals(cString("first"), written(a, 0));
            assertArrayEquals(cString(large), written(a, 1));
            assertArrayEquals(cString("last"), written(a, 2));
        } finally {
            a.release();
        }
        Arguments small = Arguments.take().required("again", "a");
        try {
            assertArrayEquals(cString("again"), written(small, 0));
        } finally {
            small.release();
        }
    }
}
