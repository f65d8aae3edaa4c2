package org.rnn4j.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.rnn4j.InputException;

/**
 * The safetensors container, for float32 tensors (written as F32, or as F16 to halve a file, and read back as
 * float32 either way) and whole-number ones (as {@code U16} where every value fits, else {@code I32}): {@code u64 n}
 * (little-endian), n bytes of JSON
 * ({@code {"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}}},
 * padded with spaces to a multiple of 8), then the tensor bytes, offsets relative to their start.
 */
final class Safetensors {
    /** A header larger than this is not a header: it guards against reading garbage as a length. */
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /**
     * The metadata key of the CRC32C of the data section (8 hex digits): any one changed byte, and any burst of up to
     * 32, changes it. Readers that do not know it see one more string.
     */
    static final String CHECKSUM = "data_crc32c";

    static byte[] encode(Map<String, float[]> tensors, Map<String, int[]> shapes, Map<String, String> metadata) {
        return encode(tensors, shapes, metadata, false, Map.of());
    }

    /**
     * As {@link #encode(Map, Map, Map)}, every float tensor in half precision ({@code F16}) when {@code half}, then the
     * {@code integers} (their shapes in {@code shapes} too), each as {@code U16} when all its values lie in [0, 65535]
     * (a text's token ids, nearly always: half the bytes), else as {@code I32}.
     */
    static byte[] encode(Map<String, float[]> tensors, Map<String, int[]> shapes, Map<String, String> metadata,
                         boolean half, Map<String, int[]> integers) {
        int width = half ? 2 : 4;
        Map<String, Integer> widths = new LinkedHashMap<>(); // each whole-number tensor's, from one look at its values
        integers.forEach((name, values) -> widths.put(name, width(values)));
        long size = 0;
        for (float[] values : tensors.values()) {
            size += (long) width * values.length;
        }
        for (Map.Entry<String, int[]> t : integers.entrySet()) {
            size += (long) widths.get(t.getKey()) * t.getValue().length;
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] values : tensors.values()) {
            if (half) {
                for (float v : values) {
                    data.putShort(Half.fromFloat(v));
                }
            } else {
                data.asFloatBuffer().put(values);
                data.position(data.position() + 4 * values.length);
            }
        }
        for (Map.Entry<String, int[]> t : integers.entrySet()) {
            int[] values = t.getValue();
            if (widths.get(t.getKey()) == 2) {
                for (int v : values) {
                    data.putShort((short) v);
                }
            } else {
                data.asIntBuffer().put(values);
                data.position(data.position() + 4 * values.length);
            }
        }
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        metadata.forEach(meta::addProperty);
        meta.addProperty(CHECKSUM, crc32c(data.array(), 0, data.capacity()));
        header.add("__metadata__", meta);
        long offset = 0;
        for (Map.Entry<String, float[]> t : tensors.entrySet()) {
            offset = describe(header, t.getKey(), half ? "F16" : "F32", shapes.get(t.getKey()), offset,
                    (long) width * t.getValue().length);
        }
        for (Map.Entry<String, int[]> t : integers.entrySet()) {
            int w = widths.get(t.getKey());
            offset = describe(header, t.getKey(), w == 2 ? "U16" : "I32", shapes.get(t.getKey()), offset,
                    (long) w * t.getValue().length);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(data.array());
        return out.array();
    }

    /** The bytes a value of {@code values} takes: 2 ({@code U16}) when every one lies in [0, 65535], else 4. */
    private static int width(int[] values) {
        for (int v : values) {
            if (v < 0 || v > 0xFFFF) {
                return 4;
            }
        }
        return 2;
    }

    /** Adds tensor {@code name}'s entry, its {@code bytes} from {@code offset}; returns where the next begins. */
    private static long describe(JsonObject header, String name, String dtype, int[] dims, long offset, long bytes) {
        JsonObject e = new JsonObject();
        e.addProperty("dtype", dtype);
        com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
        for (int d : dims) {
            shape.add(d);
        }
        e.add("shape", shape);
        com.google.gson.JsonArray offsets = new com.google.gson.JsonArray();
        offsets.add(offset);
        offsets.add(offset + bytes);
        e.add("data_offsets", offsets);
        header.add(name, e);
        return offset + bytes;
    }

    private static String crc32c(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return String.format("%08x", crc.getValue());
    }

    /**
     * A tensor's place in the data section, and its bytes per value: 4 ({@code F32}, {@code I32}) or 2 ({@code F16},
     * {@code U16}); {@code integer} for {@code I32} and {@code U16}.
     */
    record Entry(int[] shape, long begin, long end, int width, boolean integer) {
    }

    /**
     * A decoded file: its metadata and where each tensor's bytes lie. {@code checksummed}: the data section carried a
     * checksum, and it matched (a file without one was written before rnn4j wrote them).
     */
    record Contents(String file, Map<String, String> metadata, Map<String, Entry> tensors, byte[] bytes, int dataStart,
                    boolean checksummed) {
        /** The values of tensor {@code name}, which must have {@code shape}. */
        float[] tensor(String name, int[] shape, String what) {
            Entry e = entry(name, shape, what);
            if (e.integer()) {
                throw new InputException(file + ": tensor '" + name + "' holds whole numbers where " + what
                        + " needs floats: the checkpoint was written by a different model");
            }
            float[] values = new float[(int) ((e.end() - e.begin()) / e.width())];
            ByteBuffer b = ByteBuffer.wrap(bytes, dataStart + (int) e.begin(), values.length * e.width())
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (e.width() == 4) {
                b.asFloatBuffer().get(values);
            } else {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Half.toFloat(b.getShort());
                }
            }
            return values;
        }

        /** The values of the whole-number tensor {@code name} ({@code U16} or {@code I32}), one-dimensional. */
        int[] integers(String name, String what) {
            Entry e = tensors.get(name);
            if (e == null || !e.integer() || e.shape().length != 1) {
                throw new InputException(file + ": no one-dimensional tensor of whole numbers '" + name + "' (" + what
                        + "): the file is damaged");
            }
            int[] values = new int[e.shape()[0]];
            ByteBuffer b = ByteBuffer.wrap(bytes, dataStart + (int) e.begin(), e.width() * values.length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (e.width() == 2) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Short.toUnsignedInt(b.getShort());
                }
            } else {
                b.asIntBuffer().get(values);
            }
            return values;
        }

        /** Tensor {@code name}'s place, after checking that it exists with {@code shape}. */
        Entry entry(String name, int[] shape, String what) {
            Entry e = tensors.get(name);
            if (e == null) {
                throw new InputException(file + ": no tensor '" + name + "' (" + what
                        + "): the checkpoint was written by a different model");
            }
            if (!Arrays.equals(e.shape(), shape)) {
                throw new InputException(file + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape())
                        + " where this model needs " + Arrays.toString(shape)
                        + ": the checkpoint was written by a different model");
            }
            return e;
        }
    }

    static Contents decode(byte[] bytes, String file) {
        if (bytes.length < 8) {
            throw new InputException(file + ": " + bytes.length + " bytes, too short for a checkpoint: the file is truncated");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > MAX_HEADER) {
            throw new InputException(file + ": not a checkpoint (no safetensors header: its first 8 bytes give a header "
                    + "length of " + n + ")");
        }
        if (8 + n > bytes.length) {
            throw new InputException(file + ": the header says " + n + " bytes but the file has " + (bytes.length - 8)
                    + " after the length: the file is truncated");
        }
        JsonObject header;
        try {
            JsonReader reader = new JsonReader(new StringReader(new String(bytes, 8, (int) n, StandardCharsets.UTF_8)));
            reader.setStrictness(Strictness.STRICT);
            header = JsonParser.parseReader(reader).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new InputException(file + ": not a checkpoint (its header is not JSON); the file is damaged");
        }
        int dataStart = (int) (8 + n);
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                JsonObject o = e.getValue().getAsJsonObject();
                if (e.getKey().equals("__metadata__")) {
                    o.entrySet().forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                    continue;
                }
                String dtype = o.get("dtype").getAsString();
                if (!List.of("F32", "F16", "I32", "U16").contains(dtype)) {
                    throw new InputException(file + ": tensor '" + e.getKey() + "' is " + dtype
                            + "; rnn4j checkpoints hold F32 (or F16, read as F32), and I32 or U16, only");
                }
                int width = dtype.equals("F16") || dtype.equals("U16") ? 2 : 4;
                int[] shape = new int[o.getAsJsonArray("shape").size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = o.getAsJsonArray("shape").get(i).getAsInt();
                    count *= shape[i];
                }
                long begin = o.getAsJsonArray("data_offsets").get(0).getAsLong();
                long end = o.getAsJsonArray("data_offsets").get(1).getAsLong();
                if (shape.length == 0 || count < 0 || end - begin != width * count || begin < 0) {
                    throw new InputException(file + ": tensor '" + e.getKey() + "' has offsets [" + begin + ", " + end
                            + "] that do not fit its shape " + Arrays.toString(shape) + "; the file is damaged");
                }
                if (end > dataLength) {
                    throw new InputException(file + ": tensor '" + e.getKey() + "' ends at byte " + end + " of data but the file has "
                            + dataLength + ": the file is truncated");
                }
                tensors.put(e.getKey(), new Entry(shape, begin, end, width, dtype.equals("I32") || dtype.equals("U16")));
            }
        } catch (IllegalStateException | NullPointerException | UnsupportedOperationException | ClassCastException
                 | IndexOutOfBoundsException | NumberFormatException e) {
            throw new InputException(file + ": the checkpoint's header is damaged (an entry lacks its dtype, shape or "
                    + "data_offsets, or holds the wrong kind of value)");
        }
        String stored = metadata.get(CHECKSUM);
        if (stored != null) {
            String actual = crc32c(bytes, dataStart, bytes.length - dataStart);
            if (!stored.equals(actual)) {
                throw new InputException(file + ": the tensor data does not match its checksum (CRC32C " + actual
                        + ", the header says " + stored + "): the file is damaged; train again or use another checkpoint");
            }
        }
        return new Contents(file, metadata, tensors, bytes, dataStart, stored != null);
    }
}
