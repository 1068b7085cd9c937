package io.wxface.internal;

import com.sun.jna.IntegerType;
import com.sun.jna.Native;

/**
 * C's size_t, whatever its width on this platform. Public only because JNA
 * instantiates it reflectively; not part of the wxface API.
 */
public final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    public SizeT() {
        this(0);
    }

    public SizeT(long value) {
        super(Native.SIZE_T_SIZE, value, true);
    }
}
