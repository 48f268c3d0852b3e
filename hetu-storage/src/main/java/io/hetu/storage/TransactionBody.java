package io.hetu.storage;

/** Work done inside one transaction; may run more than once when it conflicts. */
@FunctionalInterface
public interface TransactionBody<T> {
    T run(Transaction tx);
}
