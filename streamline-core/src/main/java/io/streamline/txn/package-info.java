/**
 * The transaction coordinator: transactional ids, their producer ids and epochs, and the state machine
 * of their transactions, kept as records in the internal {@code __transaction_state} partition and
 * completed by end-transaction markers written to every partition of a transaction (ADR in src-docs/adr).
 */
package io.streamline.txn;
