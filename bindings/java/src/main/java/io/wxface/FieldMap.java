package io.wxface;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The fields of a usual answer (at most {@link #MAX} of them) as an
 * unmodifiable map in WeChat's order, held in two arrays: a LinkedHashMap
 * of a verification's ten fields allocates some 500 bytes more, and a
 * lookup by comparing a few short names costs no more than hashing one.
 * Equality, hash code and text are those of every {@link Map}.
 */
final class FieldMap extends AbstractMap<String, String> {
    /** Larger answers (the counters) go into a LinkedHashMap. */
    static final int MAX = 16;

    private final String[] names;
    private final String[] values;
    private final int size;

    FieldMap(String[] names, String[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    private int indexOf(Object name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public String get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<Map.Entry<String, String>>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<Map.Entry<String, String>>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new AbstractMap.SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }
        };
    }
}
