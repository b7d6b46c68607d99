'use strict'
/*
 * kafkajs 2.2.4 against a Streamline Kafka listener. Driven by KafkajsInteropTest; runs on its own too:
 *
 *   NODE_PATH=<repo>/.tools/node/node_modules node kafkajs-interop.js MODE HOST:PORT TOPIC COUNT
 *
 * Both modes create TOPIC (3 partitions) with kafkajs's admin, check its metadata, and produce COUNT messages
 * with an idempotent producer in sends of 100, alternately gzip-compressed and uncompressed: keys (every 10th
 * null), values (every 15th null), two headers and an explicit timestamp each. Then they read everything back
 * and check it message by message, offsets included.
 *
 *   fetch  reads without a consumer group. kafkajs has no assign/seek API outside a group, so this uses its own
 *          Cluster and Broker classes (kafkajs/src/..., not public API: pinned to 2.2.4) to send the Fetch
 *          requests; the records are decoded by kafkajs itself.
 *   group  reads with kafkajs's public consumer, which needs consumer-group APIs (FindCoordinator, JoinGroup,
 *          SyncGroup, Heartbeat, OffsetFetch/Commit).
 *
 * Prints one JSON line with what was checked and exits 0, or prints the problems on stderr and exits 1.
 */
const { Kafka, CompressionTypes, Partitioners, logLevel } = require('kafkajs')

const PARTITIONS = 3
const SEND_SIZE = 100
const BASE_TIMESTAMP = 1700000000000
const DEADLINE_MS = 60000

const [mode, broker, topic, countArg] = process.argv.slice(2)
const count = Number(countArg)
if (!['fetch', 'group'].includes(mode) || !broker || !topic || !(count > 0)) {
  console.error('usage: kafkajs-interop.js fetch|group HOST:PORT TOPIC COUNT')
  process.exit(64)
}

const deadline = setTimeout(() => {
  console.error(`kafkajs-interop: not done after ${DEADLINE_MS} ms`)
  process.exit(2)
}, DEADLINE_MS)

const problems = []
const check = (ok, what) => {
  if (!ok) {
    problems.push(what)
  }
}

/** Message i, the same formula as KafkajsInteropTest's. */
const message = i => ({
  key: i % 10 === 0 ? null : `key-${i % 37}`,
  value: i % 15 === 0 ? null : `value-${i}-${'z'.repeat(i % 50)}`,
  headers: { i: String(i), client: 'kafkajs' },
  timestamp: String(BASE_TIMESTAMP + i),
})

const kafka = new Kafka({
  clientId: 'streamline-interop',
  brokers: [broker],
  logLevel: logLevel.ERROR,
  connectionTimeout: 5000,
  requestTimeout: 10000,
  retry: { retries: 3 },
})

async function createTopic() {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    })
    check(created === true, `createTopics answered ${created}`)
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
    const partitions = topics[0].partitions.map(p => `${p.partitionId}:${p.leader}:${p.replicas}:${p.isr}`).sort()
    check(
      JSON.stringify(partitions) === JSON.stringify(['0:0:0:0', '1:0:0:0', '2:0:0:0']),
      `metadata partitions ${JSON.stringify(partitions)}`
    )
  } finally {
    await admin.disconnect()
  }
}

/** @returns for each send, its acknowledgements: [{partition, baseOffset}] */
async function produce() {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  })
  await producer.connect()
  const sends = []
  try {
    for (let first = 0; first < count; first += SEND_SIZE) {
      const messages = []
      for (let i = first; i < Math.min(count, first + SEND_SIZE); i++) {
        messages.push(message(i))
      }
      const compression = (first / SEND_SIZE) % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None
      const acks = await producer.send({ topic, messages, acks: -1, compression })
      for (const ack of acks) {
        check(ack.errorCode === 0, `send from ${first}: error ${ack.errorCode} on partition ${ack.partition}`)
      }
      sends.push({ first, last: first + messages.length - 1, acks })
    }
  } finally {
    await producer.disconnect()
  }
  return sends
}

async function highWatermarks() {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    const high = {}
    for (const o of offsets) {
      high[o.partition] = Number(o.high)
      check(Number(o.low) === 0, `partition ${o.partition} low watermark ${o.low}`)
    }
    return high
  } finally {
    await admin.disconnect()
  }
}

/** Reads every partition from offset 0 to its high watermark with Fetch requests, outside any group. */
async function fetchWithoutGroup(high) {
  const Cluster = require('kafkajs/src/cluster')
  const { createLogger, LEVELS } = require('kafkajs/src/loggers')
  const LoggerConsole = require('kafkajs/src/loggers/console')
  const socketFactory = require('kafkajs/src/network/socketFactory')
  const ISOLATION_LEVEL = require('kafkajs/src/protocol/isolationLevel')

  const cluster = new Cluster({
    logger: createLogger({ level: LEVELS.ERROR, logCreator: LoggerConsole }),
    socketFactory: socketFactory(),
    brokers: [broker],
    clientId: 'streamline-interop-fetch',
    connectionTimeout: 5000,
    requestTimeout: 10000,
    enforceRequestTimeout: true,
    metadataMaxAge: 300000,
    retry: { retries: 3 },
    allowAutoTopicCreation: false,
    isolationLevel: ISOLATION_LEVEL.READ_COMMITTED,
  })
  await cluster.connect()
  const received = []
  try {
    await cluster.addTargetTopic(topic)
    const partitions = [...Array(PARTITIONS).keys()]
    const leaders = cluster.findLeaderForPartitions(topic, partitions)
    check(JSON.stringify(leaders) === JSON.stringify({ 0: partitions }), `leaders ${JSON.stringify(leaders)}`)
    const leader = await cluster.findBroker({ nodeId: '0' })
    const next = partitions.map(() => 0)
    let fetches = 0
    while (partitions.some(p => next[p] < high[p])) {
      fetches++
      const pending = partitions.filter(p => next[p] < high[p])
      // Small per-partition limits: many fetches, most starting inside a batch.
      const { responses } = await leader.fetch({
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 65536,
        isolationLevel: ISOLATION_LEVEL.READ_COMMITTED,
        topics: [{ topic, partitions: pending.map(p => ({ partition: p, fetchOffset: String(next[p]), maxBytes: 4096 })) }],
      })
      for (const { topicName, partitions: answered } of responses) {
        check(topicName === topic, `fetch answered for topic ${topicName}`)
        for (const part of answered) {
          check(part.errorCode === 0, `fetch error ${part.errorCode} on partition ${part.partition}`)
          check(Number(part.highWatermark) === high[part.partition], `partition ${part.partition} high watermark ${part.highWatermark}`)
          for (const m of part.messages) {
            const offset = Number(m.offset)
            if (offset >= next[part.partition]) {
              check(offset === next[part.partition], `partition ${part.partition}: offset ${offset}, expected ${next[part.partition]}`)
              received.push({ partition: part.partition, ...m })
              next[part.partition] = offset + 1
            }
          }
        }
      }
      if (fetches > 10 * count) {
        throw new Error(`no progress after ${fetches} fetches: next ${next}, high ${JSON.stringify(high)}`)
      }
    }
    return { received, fetches }
  } finally {
    await cluster.disconnect()
  }
}

/** Reads everything with kafkajs's consumer in a group (subscribe from the beginning). */
async function consumeInGroup() {
  const consumer = kafka.consumer({
    groupId: `interop-${topic}`,
    maxWaitTimeInMs: 100,
    // A crash (e.g. no group coordinator) ends the run instead of restarting the consumer until the deadline.
    retry: { retries: 3, restartOnFailure: async () => false },
  })
  await consumer.connect()
  const received = []
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await new Promise((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error))
      consumer
        .run({
          eachMessage: async ({ partition, message: m }) => {
            received.push({ partition, ...m })
            if (received.length >= count) {
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return { received, fetches: null }
}

/** Every message came back once, identical, in send order within its partition, at the offset its send was acknowledged at. */
function verify(sends, received) {
  check(received.length === count, `received ${received.length} messages, expected ${count}`)
  const byIndex = new Map()
  const lastIndex = {}
  for (const r of received) {
    const i = Number(r.headers.i && r.headers.i.toString())
    check(!byIndex.has(i), `message ${i} received twice`)
    byIndex.set(i, r)
    check(lastIndex[r.partition] === undefined || lastIndex[r.partition] < i, `partition ${r.partition}: ${i} after ${lastIndex[r.partition]}`)
    lastIndex[r.partition] = i
  }
  for (let i = 0; i < count; i++) {
    const r = byIndex.get(i)
    if (!r) {
      check(false, `message ${i} missing`)
      continue
    }
    const sent = message(i)
    const text = buffer => (buffer === null ? null : buffer.toString())
    check(text(r.key) === sent.key, `message ${i}: key ${text(r.key)}`)
    check(text(r.value) === sent.value, `message ${i}: value ${text(r.value)}`)
    check(r.timestamp === sent.timestamp, `message ${i}: timestamp ${r.timestamp}`)
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, text(v)]))
    check(JSON.stringify(headers) === JSON.stringify(sent.headers), `message ${i}: headers ${JSON.stringify(headers)}`)
  }
  // Each send's acknowledged base offset is where its first message for that partition was stored.
  for (const { first, last, acks } of sends) {
    for (const ack of acks) {
      const firstInPartition = received
        .filter(r => r.partition === ack.partition)
        .find(r => Number(r.headers.i.toString()) >= first && Number(r.headers.i.toString()) <= last)
      check(firstInPartition !== undefined && firstInPartition.offset === ack.baseOffset,
        `send from ${first}: partition ${ack.partition} acknowledged at ${ack.baseOffset}, first stored at ${firstInPartition && firstInPartition.offset}`)
    }
  }
}

async function main() {
  await createTopic()
  const sends = await produce()
  const high = await highWatermarks()
  const total = Object.values(high).reduce((a, b) => a + b, 0)
  check(total === count, `high watermarks ${JSON.stringify(high)} add up to ${total}, expected ${count}`)
  const { received, fetches } = mode === 'fetch' ? await fetchWithoutGroup(high) : await consumeInGroup()
  verify(sends, received)
  if (problems.length > 0) {
    console.error(`kafkajs-interop: ${problems.length} problem(s):\n` + problems.slice(0, 50).join('\n'))
    process.exitCode = 1
  } else {
    console.log(JSON.stringify({ mode, produced: count, consumed: received.length, highWatermarks: high, fetches }))
  }
}

main()
  .catch(e => {
    console.error(`kafkajs-interop: ${e.stack || e}`)
    process.exitCode = 1
  })
  .finally(() => clearTimeout(deadline))
