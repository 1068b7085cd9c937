package io.wxface;

import com.sun.jna.AltCallingConvention;
import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.wxface.internal.SizeT;
import java.util.Collections;
import java.util.Map;

/**
 * How JNA must call libwxface here. Every export and every callback type is
 * {@code WXFACE_CALL} ({@code extern "system"}): stdcall on 32-bit Windows,
 * the C convention everywhere else. A stdcall function called as cdecl (or
 * the reverse) leaves the stack unbalanced and crashes later, so on 32-bit
 * Windows the library is opened with JNA's alternate convention and every
 * callback object handed to it is marked {@link AltCallingConvention}
 * (JNA decides a callback's convention from its object, not from the
 * library). Only public JNA API, present in every JNA 5 release.
 */
enum CallingConvention {
    /** The C convention: Linux, 64-bit Windows, every other platform. */
    C,
    /** stdcall: 32-bit Windows only. */
    STDCALL;

    /** The convention of this JVM's platform. */
    static final CallingConvention CURRENT = of(Platform.isWindows(), Platform.is64Bit());

    /** The convention of libwxface's exports on a platform. */
    static CallingConvention of(boolean windows, boolean is64Bit) {
        return windows && !is64Bit ? STDCALL : C;
    }

    /** The options to open libwxface with ({@code NativeLibrary.getInstance(name, options)}). */
    Map<String, Object> libraryOptions() {
        if (this == STDCALL) {
            return Collections.<String, Object>singletonMap(Library.OPTION_CALLING_CONVENTION,
                    Function.ALT_CONVENTION);
        }
        return Collections.emptyMap();
    }

    // Each callback as native code must see it: itself for the C
    // convention, else a delegate JNA calls as stdcall. The object returned
    // is the one to keep reachable while the library may call it.

    Lib.TokenCallback token(Lib.TokenCallback cb) {
        return this == STDCALL ? new StdcallToken(cb) : cb;
    }

    Lib.ReplayCallback replay(Lib.ReplayCallback cb) {
        return this == STDCALL ? new StdcallReplay(cb) : cb;
    }

    Lib.LogCallback log(Lib.LogCallback cb) {
        return this == STDCALL ? new StdcallLog(cb) : cb;
    }

    Lib.AuditCallback audit(Lib.AuditCallback cb) {
        return this == STDCALL ? new StdcallAudit(cb) : cb;
    }

    private static final class StdcallToken implements Lib.TokenCallback, AltCallingConvention {
        private final Lib.TokenCallback cb;

        StdcallToken(Lib.TokenCallback cb) {
            this.cb = cb;
        }

        @Override
        public int invoke(Pointer userData, Pointer staleToken, Pointer tokenOut, SizeT tokenOutLen,
                Pointer expiresIn) {
            return cb.invoke(userData, staleToken, tokenOut, tokenOutLen, expiresIn);
        }
    }

    private static final class StdcallReplay implements Lib.ReplayCallback, AltCallingConvention {
        private final Lib.ReplayCallback cb;

        StdcallReplay(Lib.ReplayCallback cb) {
            this.cb = cb;
        }

        @Override
        public int invoke(Pointer userData, Pointer key, long ttlSeconds) {
            return cb.invoke(userData, key, ttlSeconds);
        }
    }

    private static final class StdcallLog implements Lib.LogCallback, AltCallingConvention {
        private final Lib.LogCallback cb;

        StdcallLog(Lib.LogCallback cb) {
            this.cb = cb;
        }

        @Override
        public void invoke(Pointer userData, int level, Pointer message) {
            cb.invoke(userData, level, message);
        }
    }

    private static final class StdcallAudit implements Lib.AuditCallback, AltCallingConvention {
        private final Lib.AuditCallback cb;

        StdcallAudit(Lib.AuditCallback cb) {
            this.cb = cb;
        }

        @Override
        public void invoke(Pointer userData, Pointer record, Pointer json) {
            cb.invoke(userData, record, json);
        }
    }
}
