package io.wxface;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The arguments of one client call, written as NUL-terminated UTF-8 (and
 * push bodies as their bytes) into per-thread native memory. JNA hands a
 * {@code byte[]} argument to C through a copy made and copied back at every
 * call, and the array itself is garbage; a {@code Pointer} is one read of
 * its address. The bytes are written through a Java view of the memory, so
 * encoding makes no native call either, and the used part is zeroed when
 * the call ends: it held names and ID numbers.
 *
 * <p>A call made on the same thread while another's arguments are still
 * in use (from a token provider, log handler or audit sink running inside
 * that call) gets memory of its own, not the thread's.
 */
final class Arguments {
    private static final ThreadLocal<Arguments> CURRENT = new ThreadLocal<Arguments>() {
        @Override
        protected Arguments initialValue() {
            return new Arguments();
        }
    };

    /** The arguments of a usual call fit (a verification's are under 300 bytes). */
    private static final int FIRST_SIZE = 1024;
    /** Larger memory serves one call and is then let go. */
    private static final int MAX_KEPT_SIZE = 16 << 10;
    /** The most arguments a library call takes as text or bytes (wxface_v1_verify's five). */
    private static final int MAX = 5;

    private Memory memory;
    private ByteBuffer view;
    private long address;
    private int used;
    private int count;
    private boolean busy;
    private final int[] offsets = new int[MAX];
    private final int[] lengths = new int[MAX];
    /** Each argument's Pointer, its address set per call; null for an absent optional one. */
    private final Pointer[] pointers = new Pointer[MAX];
    private final Pointer[] slots = new Pointer[MAX];

    private Arguments() {
        for (int i = 0; i < MAX; i++) {
            slots[i] = new Pointer(0);
        }
    }

    /** This thread's arguments, or memory of its own while they are in use; give back with {@link #release}. */
    static Arguments take() {
        Arguments a = CURRENT.get();
        if (a.busy) {
            return new Arguments();
        }
        a.busy = true;
        return a;
    }

    /**
     * A required argument. A null is a NullPointerException naming it; a
     * NUL inside would silently cut the string in C and a lone surrogate
     * has no UTF-8 form, so both are refused rather than altered. A refused
     * argument releases these arguments before its exception is thrown.
     */
    Arguments required(String value, String argument) {
        try {
            Objects.requireNonNull(value, argument);
            return text(value, argument);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** An optional argument: null stays null (NULL in C). */
    Arguments optional(String value, String argument) {
        if (value == null) {
            lengths[count] = 0;
            pointers[count++] = null;
            return this;
        }
        return required(value, argument);
    }

    /** Bytes with a length of their own (push bodies): never NULL, even when empty. */
    Arguments bytes(byte[] value, String argument) {
        try {
            Objects.requireNonNull(value, argument);
            int at = reserve(value.length);
            view.position(at);
            view.put(value);
            return added(at, value.length);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** Argument i of this call, in the order they were added. */
    Pointer get(int i) {
        return pointers[i];
    }

    /** The length in bytes of argument i, its NUL not counted. */
    long length(int i) {
        return lengths[i];
    }

    /** Zeroes what the call wrote and frees the thread's arguments for its next call. */
    void release() {
        int n = used;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            view.putLong(i, 0);
        }
        for (; i < n; i++) {
            view.put(i, (byte) 0);
        }
        used = 0;
        count = 0;
        java.util.Arrays.fill(pointers, null);
        if (memory != null && memory.size() > MAX_KEPT_SIZE) {
            memory = null;
            view = null;
        }
        busy = false;
    }

    private Arguments text(String value, String argument) {
        int n = value.length();
        // UTF-8 takes at most 3 bytes per UTF-16 char (4 per surrogate pair).
        int at = reserve(3L * n);
        int end = at;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c == 0) {
                    throw new WxFaceException(WxFaceException.Code.INVALID_ARGUMENT, argument
                            + ": contains a NUL character at index " + i);
                }
                view.put(end++, (byte) c);
            } else if (c < 0x800) {
                view.put(end++, (byte) (0xC0 | c >> 6));
                view.put(end++, (byte) (0x80 | c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw new WxFaceException(WxFaceException.Code.INVALID_ENCODING, argument
                            + ": unpaired UTF-16 surrogate at index " + i);
                }
                int cp = Character.toCodePoint(c, value.charAt(++i));
                view.put(end++, (byte) (0xF0 | cp >> 18));
                view.put(end++, (byte) (0x80 | cp >> 12 & 0x3F));
                view.put(end++, (byte) (0x80 | cp >> 6 & 0x3F));
                view.put(end++, (byte) (0x80 | cp & 0x3F));
            } else {
                view.put(end++, (byte) (0xE0 | c >> 12));
                view.put(end++, (byte) (0x80 | c >> 6 & 0x3F));
                view.put(end++, (byte) (0x80 | c & 0x3F));
            }
        }
        view.put(end, (byte) 0);
        return added(at, end - at);
    }

    /** The offset where n more bytes and a NUL fit, growing the memory if they do not. */
    private int reserve(long n) {
        if (count == MAX) {
            throw new IllegalStateException("more than " + MAX + " arguments");
        }
        long need = used + n + 1;
        if (need > Integer.MAX_VALUE / 2) {
            throw new WxFaceException(WxFaceException.Code.INVALID_ARGUMENT, "the arguments are too long");
        }
        if (memory == null || need > memory.size()) {
            grow((int) need);
        }
        return used;
    }

    private void grow(int need) {
        int size = FIRST_SIZE;
        while (size < need) {
            size *= 2;
        }
        Memory bigger = new Memory(size);
        ByteBuffer biggerView = bigger.getByteBuffer(0, size);
        for (int i = 0; i < used; i++) {
            biggerView.put(i, view.get(i));
            view.put(i, (byte) 0);
        }
        memory = bigger;
        view = biggerView;
        address = Pointer.nativeValue(bigger);
        for (int i = 0; i < count; i++) {
            if (pointers[i] != null) {
                Pointer.nativeValue(pointers[i], address + offsets[i]);
            }
        }
    }

    /** Records the argument of length bytes at offset at (a text's NUL follows them). */
    private Arguments added(int at, int length) {
        offsets[count] = at;
        lengths[count] = length;
        Pointer p = slots[count];
        Pointer.nativeValue(p, address + at);
        pointers[count++] = p;
        // One byte more: a text's NUL, or an empty byte argument's own
        // address (C sees length 0, never NULL).
        used = at + length + 1;
        return this;
    }
}
