package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.AltCallingConvention;
import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.wxface.internal.SizeT;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * stdcall on 32-bit Windows, the C convention elsewhere. No 32-bit Windows
 * JVM exists on the build machines, so what is tested here is the choice
 * and that JNA is told about it; the stdcall calls themselves are proven by
 * the C stdcall program under wine (`make cross`).
 */
class CallingConventionTest {
    @Test
    void onlyThirtyTwoBitWindowsUsesStdcall() {
        assertEquals(CallingConvention.STDCALL, CallingConvention.of(true, false));
        assertEquals(CallingConvention.C, CallingConvention.of(true, true));
        assertEquals(CallingConvention.C, CallingConvention.of(false, false));
        assertEquals(CallingConvention.C, CallingConvention.of(false, true));
    }

    @Test
    void stdcallOpensTheLibraryWithJnasAlternateConvention() {
        assertEquals(Function.ALT_CONVENTION,
                CallingConvention.STDCALL.libraryOptions().get(Library.OPTION_CALLING_CONVENTION));
        assertTrue(CallingConvention.C.libraryOptions().isEmpty());
    }

    @Test
    void jnaBindsTheExportsWithTheConventionTheLibraryWasOpenedWith() {
        String path = Lib.library().getFile().getAbsolutePath();
        NativeLibrary stdcall = NativeLibrary.getInstance(path, CallingConvention.STDCALL.libraryOptions());
        NativeLibrary c = NativeLibrary.getInstance(path, CallingConvention.C.libraryOptions());
        // Native.register takes each method's convention from these Functions.
        assertEquals(Function.ALT_CONVENTION, stdcall.getFunction("wxface_version").getCallingConvention());
        assertEquals(Function.C_CONVENTION, c.getFunction("wxface_version").getCallingConvention());
    }

    @Test
    void stdcallCallbacksAreMarkedForJnaAndReachTheBridge() {
        List<String> calls = new ArrayList<>();
        Lib.TokenCallback token = (u, stale, out, len, expires) -> {
            calls.add("token " + len.longValue());
            return 7;
        };
        Lib.ReplayCallback replay = (u, key, ttl) -> {
            calls.add("replay " + ttl);
            return ReplayBridge.SEEN;
        };
        Lib.LogCallback log = (u, level, message) -> calls.add("log " + level);
        Lib.AuditCallback audit = (u, record, json) -> calls.add("audit");

        Lib.TokenCallback t = CallingConvention.STDCALL.token(token);
        Lib.ReplayCallback r = CallingConvention.STDCALL.replay(replay);
        Lib.LogCallback l = CallingConvention.STDCALL.log(log);
        Lib.AuditCallback a = CallingConvention.STDCALL.audit(audit);
        for (Object cb : new Object[] {t, r, l, a}) {
            assertTrue(cb instanceof AltCallingConvention, cb.getClass().getName());
        }
        assertEquals(7, t.invoke(null, null, null, new SizeT(2049), null));
        assertEquals(ReplayBridge.SEEN, r.invoke(null, Pointer.NULL, 600));
        l.invoke(null, 3, null);
        a.invoke(null, null, null);
        assertEquals(java.util.Arrays.asList("token 2049", "replay 600", "log 3", "audit"), calls);
    }

    @Test
    void cConventionCallbacksAreHandedOverUnwrapped() {
        Lib.ReplayCallback replay = (u, key, ttl) -> ReplayBridge.NEW;
        Lib.LogCallback log = (u, level, message) -> { };
        assertSame(replay, CallingConvention.C.replay(replay));
        assertSame(log, CallingConvention.C.log(log));
        assertFalse(CallingConvention.C.replay(replay) instanceof AltCallingConvention);
    }
}
