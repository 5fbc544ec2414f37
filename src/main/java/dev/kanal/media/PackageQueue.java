package dev.kanal.media;

/**
 * A packaging job queue the server runs: {@link PackageJobs} in this process (jobs in {@code kanal.db}), or
 * {@link ClusterPackageJobs} shared by several nodes through a Redis Stream. Open it, {@link #start} its
 * workers, {@link #close} it to stop them (jobs that were running run again later).
 */
public interface PackageQueue extends Packages, AutoCloseable {

  /** Starts this node's workers (none when the node is not a packaging worker). */
  void start();

  @Override
  void close();
}
