package io.wxface;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action once an object has become unreachable, or earlier through
 * {@link Cleanable#clean()}, whichever comes first, and only once. Uses
 * {@code java.lang.ref.Cleaner} (Java 9+) through reflection, so that the
 * class files stay Java 8; on Java 8 a PhantomReference queue drained by
 * one daemon thread of its own. Only public APIs: JNA's internal cleaner
 * may change in any JNA release.
 */
abstract class NativeCleaner {
    /** A registration: {@link #clean()} runs the action now, if it has not run. */
    interface Cleanable {
        void clean();
    }

    private static final NativeCleaner INSTANCE = create();

    static NativeCleaner get() {
        return INSTANCE;
    }

    /** Registers {@code action}, which must not refer to {@code object} (or it stays reachable). */
    abstract Cleanable register(Object object, Runnable action);

    private static NativeCleaner create() {
        try {
            return new Platform();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new PhantomQueue("wxface-cleaner");
        }
    }

    /** java.lang.ref.Cleaner, found by reflection. */
    static final class Platform extends NativeCleaner {
        private final Object cleaner;
        private final Method register;
        private final Method clean;

        Platform() throws ReflectiveOperationException {
            Class<?> type = Class.forName("java.lang.ref.Cleaner");
            cleaner = type.getMethod("create").invoke(null);
            register = type.getMethod("register", Object.class, Runnable.class);
            clean = Class.forName("java.lang.ref.Cleaner$Cleanable").getMethod("clean");
        }

        @Override
        Cleanable register(Object object, Runnable action) {
            Object cleanable = invoke(register, cleaner, object, action);
            return () -> invoke(clean, cleanable);
        }

        private static Object invoke(Method method, Object target, Object... args) {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw new IllegalStateException(cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** For Java 8: phantom references, and a daemon thread running the actions of collected objects. */
    static final class PhantomQueue extends NativeCleaner {
        private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
        /** Keeps each reference reachable until its action has run. */
        private final Set<Ref> pending = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

        PhantomQueue(String threadName) {
            Thread t = new Thread(this::drain, threadName);
            t.setDaemon(true);
            t.start();
        }

        @Override
        Cleanable register(Object object, Runnable action) {
            Ref ref = new Ref(object, queue, action);
            pending.add(ref);
            return ref;
        }

        private void drain() {
            while (true) {
                try {
                    ((Ref) queue.remove()).clean();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | Error e) {
                    // One failing action must not stop the others from running.
                }
            }
        }

        private final class Ref extends PhantomReference<Object> implements Cleanable {
            private final Runnable action;
            private final AtomicBoolean ran = new AtomicBoolean();

            Ref(Object object, ReferenceQueue<Object> queue, Runnable action) {
                super(object, queue);
                this.action = action;
            }

            @Override
            public void clean() {
                if (ran.compareAndSet(false, true)) {
                    pending.remove(this);
                    clear();
                    action.run();
                }
            }
        }
    }
}
