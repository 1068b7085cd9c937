package io.wxface;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Per-thread native memory for the {@code wxface_error}, one out-pointer
 * and the pointer/length pair of {@code wxface_response_bytes} and
 * {@code wxface_response_texts}, so an offline call allocates no native memory at all. The
 * library writes both only when a call returns, so a nested call made by a
 * token callback on the same thread has finished with them before the outer
 * call writes its own.
 *
 * <p>The out-pointer, pointer and length are read and cleared through a
 * Java view of their memory: each {@code Memory} get or set would be a JNI
 * call of its own. The thread also keeps the buffer an answer's texts
 * block is copied into and the names of the fields it has read.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> CURRENT = new ThreadLocal<Scratch>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    /** A texts block of a usual answer fits (a verification's is about 500 bytes). */
    private static final int FIRST_BLOCK = 1024;
    /** A larger block is copied into an array of its own, not kept. */
    private static final int MAX_KEPT_BLOCK = 16 << 10;
    /** Field names remembered per thread; a power of two. */
    private static final int NAME_SLOTS = 128;
    /**
     * The places a name may take, from the one its hash gives on: with one
     * place, two names of the same answer sharing it (errcode and
     * identify_ret do) would each be made anew at every call.
     */
    private static final int NAME_PROBES = 4;

    final Memory error = new Memory(Lib.ERROR_SIZE);
    /** out, then data (a pointer each), then len (a size_t). */
    private final Memory words = new Memory(2L * Native.POINTER_SIZE + Native.SIZE_T_SIZE);
    final Pointer out = words.share(0);
    final Pointer data = words.share(Native.POINTER_SIZE);
    final Pointer len = words.share(2L * Native.POINTER_SIZE);
    private final ByteBuffer view = words.getByteBuffer(0, words.size()).order(ByteOrder.nativeOrder());
    private final Pointer response = new Pointer(0);
    private final Pointer dataPointer = new Pointer(0);
    private byte[] block = new byte[FIRST_BLOCK];
    /** Names, then values, of the answer being split. */
    private String[][] fields = new String[2][FieldMap.MAX];
    private final byte[][] nameBytes = new byte[NAME_SLOTS][];
    private final String[] names = new String[NAME_SLOTS];

    /**
     * The client handles this thread is inside a call on, innermost last (a
     * token provider may call again): close() refuses to wait for itself.
     */
    private Object[] inside = new Object[2];
    private int depth;

    private Scratch() {}

    /** This thread starts a call on {@code handle}; {@link #leave()} when it ends. */
    void enter(Object handle) {
        if (depth == inside.length) {
            inside = Arrays.copyOf(inside, depth * 2);
        }
        inside[depth++] = handle;
    }

    void leave() {
        inside[--depth] = null;
    }

    boolean isInside(Object handle) {
        for (int i = 0; i < depth; i++) {
            if (inside[i] == handle) {
                return true;
            }
        }
        return false;
    }

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

    private long word(int index, int width) {
        int at = index * Native.POINTER_SIZE;
        return width == 8 ? view.getLong(at) : view.getInt(at) & 0xFFFF_FFFFL;
    }

    private void clearWord(int index) {
        int at = index * Native.POINTER_SIZE;
        if (Native.POINTER_SIZE == 8) {
            view.putLong(at, 0);
        } else {
            view.putInt(at, 0);
        }
    }

    /** Clears {@link #out} so a stale pointer is never read. */
    void clearOut() {
        clearWord(0);
    }

    /** Clears {@link #data} before a call that fills it. */
    void clearData() {
        clearWord(1);
    }

    /** The size_t the last call stored in {@link #len}. */
    long takeLen() {
        return word(2, Native.SIZE_T_SIZE);
    }

    /** The pointer the last call stored in {@link #out}, cleared: a Pointer of its own, for one kept (a client). */
    Pointer takeOut() {
        long p = word(0, Native.POINTER_SIZE);
        clearWord(0);
        return p == 0 ? null : new Pointer(p);
    }

    /**
     * The pointer the last call stored in {@link #out}, cleared, as this
     * thread's one response Pointer: for a response read and freed before
     * the thread's next call (no callback runs in between), so no Pointer
     * is made per call.
     */
    Pointer takeResponse() {
        long p = word(0, Native.POINTER_SIZE);
        clearWord(0);
        if (p == 0) {
            return null;
        }
        Pointer.nativeValue(response, p);
        return response;
    }

    /** The pointer the last call stored in {@link #data}, or null; this thread's one Pointer for it, read at once. */
    Pointer takeData() {
        long p = word(1, Native.POINTER_SIZE);
        if (p == 0) {
            return null;
        }
        Pointer.nativeValue(dataPointer, p);
        return dataPointer;
    }

    /**
     * An array of at least n bytes to copy a texts block into: this
     * thread's, or one of its own for a block too large to keep. Give it
     * back with {@link #wipe}.
     */
    byte[] block(int n) {
        if (n <= block.length) {
            return block;
        }
        if (n > MAX_KEPT_BLOCK) {
            return new byte[n];
        }
        block = new byte[n];
        return block;
    }

    /** Where an answer's names ([0]) and values ([1]) are split into; clear the values after. */
    String[][] fields() {
        return fields;
    }

    /** {@link #fields()} twice as long, what they held kept (a large answer: the counters). */
    String[][] moreFields() {
        int n = fields[0].length * 2;
        fields = new String[][] {Arrays.copyOf(fields[0], n), Arrays.copyOf(fields[1], n)};
        return fields;
    }

    /** The block held an answer (openids, verify results): the thread keeps none of it. */
    void wipe(byte[] used, int n) {
        Arrays.fill(used, 0, n, (byte) 0);
    }

    /**
     * The field name in {@code b[start, end)} as a String, the same String
     * each time this thread reads that name: names are WeChat's few field
     * names, never personal data.
     */
    String name(byte[] b, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + b[i];
        }
        int first = (h ^ (h >>> 16)) & (NAME_SLOTS - 1);
        int free = first;
        for (int probe = 0; probe < NAME_PROBES; probe++) {
            int slot = (first + probe) & (NAME_SLOTS - 1);
            byte[] known = nameBytes[slot];
            if (known == null) {
                free = slot;
                break;
            }
            if (known.length == end - start) {
                int i = 0;
                while (i < known.length && known[i] == b[start + i]) {
                    i++;
                }
                if (i == known.length) {
                    return names[slot];
                }
            }
        }
        // Every place taken by other names (a thread that read many): the
        // first one is given up.
        String name = new String(b, start, end - start, StandardCharsets.UTF_8);
        nameBytes[free] = Arrays.copyOfRange(b, start, end);
        names[free] = name;
        return name;
    }
}
