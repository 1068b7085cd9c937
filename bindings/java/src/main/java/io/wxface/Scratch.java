package io.wxface;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Per-thread native memory for the {@code wxface_error}, one out-pointer
 * and the pointer/length pair of {@code wxface_response_bytes} and
 * {@code wxface_response_texts}, so an offline call allocates no native memory at all. The
 * library writes both only when a call returns, so a nested call made by a
 * token callback on the same thread has finished with them before the outer
 * call writes its own.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> CURRENT = new ThreadLocal<Scratch>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    final Memory error = new Memory(Lib.ERROR_SIZE);
    final Memory out = new Memory(Native.POINTER_SIZE);
    final Memory data = new Memory(Native.POINTER_SIZE);
    final Memory len = new Memory(Native.SIZE_T_SIZE);

    private Scratch() {}

    static Scratch get() {
        return CURRENT.get();
    }

    /** Returns normally on WXFACE_OK, else throws the error the library filled. */
    void check(int code) {
        if (code != 0) {
            throw new WxFaceException(
                    code,
                    error.getInt(4),
                    error.getInt(8),
                    error.getInt(12),
                    error.getString(Lib.ERROR_MESSAGE_OFFSET, "UTF-8"));
        }
    }

    /** The size_t the last {@code wxface_response_bytes} stored in {@link #len}. */
    long takeLen() {
        return Native.SIZE_T_SIZE == 8 ? len.getLong(0) : len.getInt(0) & 0xFFFF_FFFFL;
    }

    /** The pointer the last call stored in {@link #out}; cleared first so a stale one is never read. */
    Pointer takeOut() {
        Pointer p = out.getPointer(0);
        out.setPointer(0, null);
        return p;
    }
}
