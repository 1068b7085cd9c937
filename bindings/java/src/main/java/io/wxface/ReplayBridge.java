package io.wxface;

import com.sun.jna.Pointer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries a {@link ReplayStore} across the C boundary. Whatever the store
 * does, C gets WXFACE_REPLAY_NEW, WXFACE_REPLAY_SEEN, or a value that fails
 * the verification with WXFACE_ERR_STATE_STORE.
 */
final class ReplayBridge implements Lib.ReplayCallback {
    static final int NEW = 1; // WXFACE_REPLAY_NEW
    static final int SEEN = 2; // WXFACE_REPLAY_SEEN
    private static final int FAILED = 0;
    private static final Logger LOG = Logger.getLogger("io.wxface");

    private final ReplayStore store;

    ReplayBridge(ReplayStore store) {
        this.store = store;
    }

    @Override
    public int invoke(Pointer userData, Pointer key, long ttlSeconds) {
        try {
            String k = CStrings.read(key);
            if (k == null) {
                return FAILED;
            }
            return store.remember(k, ttlSeconds) ? NEW : SEEN;
        } catch (Throwable e) {
            LOG.warning("replay store threw " + e.getClass().getName());
            LOG.log(Level.FINE, "replay store failure", e);
            return FAILED;
        }
    }
}
