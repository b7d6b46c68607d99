/**
 * The machinery every coordinator shares (ARCHITECTURE.md, "Coordinators follow one pattern"): a
 * single-threaded {@link io.streamline.coordinator.CoordinatorRuntime} that runs operations, appends their
 * records to the coordinator's internal log, replays them into the state, and keeps timers on a
 * {@link io.streamline.coordinator.CoordinatorTimer}. The group coordinator and the transaction coordinator
 * are built on it, each with its own key and record types.
 */
package io.streamline.coordinator;
