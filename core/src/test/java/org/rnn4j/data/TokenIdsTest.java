package org.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenIdsTest {
    @Test
    void storageWidensOnlyWhenAnIdNeedsIt() {
        TokenIds.Builder b = new TokenIds.Builder();
        for (int i = 0; i < 10_000; i++) {
            b.add(i % 200);
        }
        assertEquals(1, b.build().bytesPerToken());
        b.add(300);
        assertEquals(2, b.build().bytesPerToken());
        b.add(70_000);
        TokenIds ids = b.build();
        assertEquals(4, ids.bytesPerToken());
        assertEquals(10_002, ids.length());
        assertEquals(199, ids.get(9_999));
        assertEquals(300, ids.get(10_000));
        assertEquals(70_000, ids.get(10_001));
    }

    /** One byte up to id 255, two up to 65,535, four above; the ids kept so far read back the same after widening. */
    @Test
    void theWidthsChangeExactlyAtTheirBoundaries() {
        int[][] cases = {{255, 1}, {256, 2}, {65_535, 2}, {65_536, 4}};
        for (int[] c : cases) {
            TokenIds.Builder b = new TokenIds.Builder();
            b.add(255);
            b.add(c[0]);
            b.add(0);
            TokenIds ids = b.build();
            assertEquals(c[1], ids.bytesPerToken(), "largest id " + c[0]);
            assertArrayEquals(new int[] {255, c[0], 0}, ids.toArray());
        }
        TokenIds.Builder b = new TokenIds.Builder();
        for (int id : new int[] {255, 65_535, 65_536, 7}) {
            b.add(id);
        }
        assertArrayEquals(new int[] {255, 65_535, 65_536, 7}, b.build().toArray(), "one byte, then two, then four");
    }

    /**
     * Widening and growing at a full buffer (4,096 ids of two bytes, then one of four), and every width read back with
     * get, copyTo and map, ids above 127 included (a byte is signed in Java).
     */
    @Test
    void everyWidthReadsBackWhenFullAndMapped() {
        for (int[] c : new int[][] {{200, 250}, {200, 300}, {300, 65_535}, {300, 70_000}, {70_000, 70_000}}) {
            int wide = c[0], last = c[1];
            TokenIds.Builder b = new TokenIds.Builder();
            for (int i = 0; i < 4096; i++) {
                b.add(i % 2 == 0 ? wide : 1);
            }
            assertEquals(4096, b.size());
            b.add(last);
            b.add(7);
            assertEquals(4098, b.size());
            TokenIds ids = b.build();
            assertEquals(wide, ids.get(0));
            assertEquals(1, ids.get(4095));
            assertEquals(last, ids.get(4096));
            int[] all = ids.toArray();
            assertEquals(wide, all[4094]);
            assertEquals(7, all[4097]);
            int[] map = new int[70_001];
            for (int i = 0; i < map.length; i++) {
                map[i] = i % 256;
            }
            map[wide] = 3;
            b.map(map);
            TokenIds mapped = b.build();
            assertEquals(3, mapped.get(0));
            assertEquals(1, mapped.get(1));
            assertEquals(7, mapped.get(4097));
        }
    }

    /** A full buffer of each width renumbered: map touches every id and nothing past them. */
    @Test
    void mapCoversAFullBuffer() {
        for (int id : new int[] {200, 300, 70_000}) {
            TokenIds.Builder b = new TokenIds.Builder();
            for (int i = 0; i < 4096; i++) {
                b.add(i % 2 == 0 ? id : 1);
            }
            int[] map = new int[id + 1];
            map[id] = 2;
            map[1] = 3;
            b.map(map);
            TokenIds ids = b.build();
            assertEquals(2, ids.get(4094));
            assertEquals(3, ids.get(4095));
        }
    }

    @Test
    void slicesMayBeEmptyOrWholeButNotOutside() {
        TokenIds ids = TokenIds.of(new int[] {4, 5, 6});
        assertEquals(3, ids.slice(0, 3).length());
        assertEquals(0, ids.slice(3, 3).length());
        assertEquals(0, ids.slice(0, 0).length());
        assertThrows(IndexOutOfBoundsException.class, () -> ids.slice(-1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> ids.slice(0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> ids.slice(2, 1));
    }

    @Test
    void mapRenumbersInPlaceAndSlicesShareStorage() {
        TokenIds.Builder b = new TokenIds.Builder();
        for (int id : new int[] {1, 2, 3, 2, 1}) {
            b.add(id);
        }
        b.map(new int[] {0, 3, 1, 2});
        TokenIds ids = b.build();
        assertArrayEquals(new int[] {3, 1, 2, 1, 3}, ids.toArray());
        TokenIds mid = ids.slice(1, 4);
        assertArrayEquals(new int[] {1, 2, 1}, mid.toArray());
        int[] dst = new int[4];
        mid.copyTo(1, dst, 2, 2);
        assertArrayEquals(new int[] {0, 0, 2, 1}, dst);
        assertThrows(IndexOutOfBoundsException.class, () -> ids.slice(2, 6));
    }
}
