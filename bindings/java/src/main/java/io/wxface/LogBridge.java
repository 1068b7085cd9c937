package io.wxface;

import com.sun.jna.Pointer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Sends libwxface's (already PII-free) log lines to java.util.logging's "io.wxface". */
final class LogBridge implements Lib.LogCallback {
    private static final Logger LOG = Logger.getLogger("io.wxface");

    @Override
    public void invoke(Pointer userData, int level, Pointer message) {
        try {
            Level jul = toJul(level);
            if (LOG.isLoggable(jul)) {
                LOG.log(jul, CStrings.read(message));
            }
        } catch (Throwable ignored) {
            // A failing log handler must not fail, or unwind through, the wxface call.
        }
    }

    static Level toJul(int level) {
        switch (level) {
            case 1:
                return Level.SEVERE;
            case 2:
                return Level.WARNING;
            case 3:
                return Level.INFO;
            case 4:
                return Level.FINE;
            default:
                return Level.FINEST;
        }
    }
}
