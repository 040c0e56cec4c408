package io.larder.engine.list;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ListValueTest {

    @Test
    void randomOperationsAgreeWithAnArrayList() {
        for (int fill : new int[] {-2, -1, 1, 3, 16}) {
            for (long seed = 1; seed <= 20; seed++) {
                runRandom(fill, seed * 7919 + fill);
            }
        }
    }

    private static void runRandom(int fill, long seed) {
        Random random = new Random(seed);
        ListValue list = new ListValue();
        List<byte[]> model = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            int op = random.nextInt(12);
            byte[] e = element(random);
            String where = "fill " + fill + " seed " + seed + " step " + step + " op " + op;
            switch (op) {
                case 0, 1 -> {
                    list.growing(new byte[][] {e}, 0, 1, fill);
                    list.pushFirst(e, fill);
                    model.addFirst(e);
                }
                case 2, 3 -> {
                    list.growing(new byte[][] {e}, 0, 1, fill);
                    list.pushLast(e, fill);
                    model.addLast(e);
                }
                case 4 -> {
                    if (!model.isEmpty()) {
                        assertThat(list.popFirst()).as(where).isEqualTo(model.removeFirst());
                    }
                }
                case 5 -> {
                    if (!model.isEmpty()) {
                        assertThat(list.popLast()).as(where).isEqualTo(model.removeLast());
                    }
                }
                case 6 -> {
                    int i = random.nextInt(model.size() + 1);
                    list.growing(new byte[][] {e}, 0, 1, fill);
                    list.insert(i, e, fill);
                    model.add(i, e);
                }
                case 7 -> {
                    if (!model.isEmpty()) {
                        int i = random.nextInt(model.size());
                        assertThat(list.remove(i)).as(where).isEqualTo(model.remove(i));
                    }
                }
                case 8 -> {
                    if (!model.isEmpty()) {
                        int i = random.nextInt(model.size());
                        list.growing(new byte[][] {e}, 0, 1, fill);
                        list.set(i, e, fill);
                        model.set(i, e);
                    }
                }
                case 9 -> {
                    long count = random.nextInt(5) - 2;
                    long removed = list.removeMatching(e, count);
                    long expected = removeFromModel(model, e, count);
                    assertThat(removed).as(where).isEqualTo(expected);
                }
                case 10 -> {
                    if (random.nextInt(10) == 0 && !model.isEmpty()) {
                        int head = random.nextInt(model.size() + 1);
                        int tail = random.nextInt(model.size() - head + 1);
                        list.removeFirst(head);
                        list.removeLast(tail);
                        model.subList(0, head).clear();
                        model.subList(model.size() - tail, model.size()).clear();
                    }
                }
                default -> {
                    if (!model.isEmpty()) {
                        int from = random.nextInt(model.size());
                        boolean reverse = random.nextBoolean();
                        List<byte[]> seen = new ArrayList<>();
                        list.forEach(from, reverse, x -> seen.add(x));
                        List<byte[]> expected = reverse ? model.subList(0, from + 1).reversed() : model.subList(from, model.size());
                        assertThat(seen).as(where).containsExactlyElementsOf(expected);
                    }
                }
            }
            list.shrunk(fill);
            assertThat(list.size()).as(where).isEqualTo(model.size());
            byte[] probe = element(random);
            long expectedIndex = -1;
            for (int k = 0; k < model.size() && expectedIndex < 0; k++) {
                if (java.util.Arrays.equals(model.get(k), probe)) {
                    expectedIndex = k;
                }
            }
            assertThat(list.indexOf(probe)).as(where).isEqualTo(expectedIndex);
            if (!model.isEmpty()) {
                int i = random.nextInt(model.size());
                assertThat(list.get(i)).as(where).isEqualTo(model.get(i));
            }
        }
        for (int i = 0; i < model.size(); i++) {
            assertThat(list.get(i)).isEqualTo(model.get(i));
        }
        ListValue copy = list.copy();
        if (!model.isEmpty()) {
            list.popFirst();
            assertThat(copy.size()).isEqualTo(model.size());
            assertThat(copy.get(0)).isEqualTo(model.getFirst());
        }
    }

    private static long removeFromModel(List<byte[]> model, byte[] e, long count) {
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        long removed = 0;
        if (count >= 0) {
            for (int i = 0; i < model.size() && removed < limit; ) {
                if (java.util.Arrays.equals(model.get(i), e)) {
                    model.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = model.size() - 1; i >= 0 && removed < limit; i--) {
                if (java.util.Arrays.equals(model.get(i), e)) {
                    model.remove(i);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static byte[] element(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Integer.toString(random.nextInt(20)).getBytes(StandardCharsets.US_ASCII);
            case 1 -> Long.toString(random.nextLong()).getBytes(StandardCharsets.US_ASCII);
            case 2 -> "v".repeat(random.nextInt(200)).getBytes(StandardCharsets.US_ASCII);
            default -> ("e" + random.nextInt(6)).getBytes(StandardCharsets.US_ASCII);
        };
    }

    @Test
    void listpackBecomesQuicklistPastTheByteLimitAndComesBackBelowHalf() {
        ListValue list = new ListValue();
        byte[] e = "x".repeat(100).getBytes(StandardCharsets.US_ASCII); 
        int pushed = 0;
        while (list.encoding().equals("listpack")) {
            list.growing(new byte[][] {e}, 0, 1, -2);
            list.pushLast(e, -2);
            pushed++;
        }
        // 103 listpack bytes each: 7 + 79 * 103 = 8144, and 100 more pass 8192 at the 80th push, which then
        // goes to a second chunk.
        assertThat(pushed).isEqualTo(80);
        while (list.size() > 40) {
            list.popLast();
            list.shrunk(-2);
            assertThat(list.encoding()).isEqualTo("quicklist");
        }
        list.popLast(); // one chunk of 7 + 39 * 103 = 4024 <= 4096
        list.shrunk(-2);
        assertThat(list.encoding()).isEqualTo("listpack");
    }

    @Test
    void countLimitConvertsPastTheCount() {
        ListValue list = new ListValue();
        byte[][] three = {b("a"), b("b"), b("c")};
        list.growing(three, 0, 2, 2);
        assertThat(list.encoding()).isEqualTo("listpack");
        list.growing(three, 0, 3, 2);
        assertThat(list.encoding()).isEqualTo("quicklist");
    }

    @Test
    void entrySizesFollowTheListpackEncodings() {
        assertThat(ListValue.entrySize(b("127"))).isEqualTo(2);
        assertThat(ListValue.entrySize(b("-1"))).isEqualTo(3);
        assertThat(ListValue.entrySize(b("30000"))).isEqualTo(4);
        assertThat(ListValue.entrySize(b("01"))).isEqualTo(4);
        assertThat(ListValue.entrySize(b("abc"))).isEqualTo(5);
        assertThat(ListValue.entrySize(new byte[100])).isEqualTo(103);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
