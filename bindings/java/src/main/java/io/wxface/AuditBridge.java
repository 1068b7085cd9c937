package io.wxface;

import com.sun.jna.Pointer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Copies each record libwxface hands over (borrowed: never freed here) into an {@link AuditRecord}. */
final class AuditBridge implements Lib.AuditCallback {
    private static final Logger LOG = Logger.getLogger("io.wxface");
    private final AuditSink sink;

    AuditBridge(AuditSink sink) {
        this.sink = sink;
    }

    @Override
    public void invoke(Pointer userData, Pointer record, Pointer json) {
        try {
            sink.record(new AuditRecord(WxFaceResponse.borrow(record), CStrings.read(json)));
        } catch (Throwable e) {
            // Nothing may unwind into the library; the type only, never the message.
            LOG.log(Level.SEVERE, "audit sink failed: " + e.getClass().getName());
        }
    }
}
