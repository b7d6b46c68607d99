/**
 * Kafka's v2 record batch, byte for byte: the one record format Streamline stores and serves.
 * <ul>
 * <li>{@link io.streamline.record.RecordBatchDescriptor}: the layout; {@link io.streamline.record.RecordBatch}:
 * flyweight over a batch's header, with the length, magic and CRC checks used in recovery.</li>
 * <li>{@link io.streamline.record.RecordBatchBuilder}: encodes a batch into any {@link java.nio.ByteBuffer},
 * compressed or not, including transaction markers; {@link io.streamline.record.RecordHeaders} carries
 * a record's headers into it.</li>
 * <li>{@link io.streamline.record.RecordReader}: iterates a batch's records through one reusable
 * {@link io.streamline.record.Record} view (headers through {@link io.streamline.record.HeaderCursor}),
 * decompressing once per batch; or calls a {@link io.streamline.record.RecordHandler} per record.</li>
 * <li>{@link io.streamline.record.BatchValidator}: everything a broker checks before appending a producer's
 * batch, each failure an {@link io.streamline.record.InvalidBatchException} with its reason.</li>
 * <li>{@link io.streamline.record.CompressionType}, {@link io.streamline.record.ControlRecordType},
 * {@link io.streamline.record.Varint}: codecs, control record types and zigzag varints as Kafka defines them.</li>
 * </ul>
 * All of it is tested against kafka-clients in both directions: batches written here are read by Kafka's
 * classes and batches written by Kafka's classes are read here, for every codec, and both writers produce
 * the same bytes. Decoding never throws anything but {@link io.streamline.record.InvalidBatchException}
 * on hostile bytes. The flyweights, builder, reader and validator are reusable and not thread-safe: one
 * per thread.
 * <p>
 * Note: {@code Record} shares its simple name with {@code java.lang.Record}; import it by name
 * ({@code import io.streamline.record.Record;}), since a wildcard import leaves it ambiguous.
 */
package io.streamline.record;
