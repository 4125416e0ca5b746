package io.streamlake.pipelines.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Collects a PCollection's elements into this JVM for assertions after the run: works on the
 * Direct runner, Flink's MiniCluster and Spark local, which all run in the test's JVM.
 */
public final class Collected<T> {
  private static final Map<String, List<Object>> STORE = new ConcurrentHashMap<>();
  private final String id;

  private Collected(String id) {
    this.id = id;
  }

  /** Adds a collecting step to the pipeline; read the elements after the pipeline finished. */
  public static <T> Collected<T> of(PCollection<T> input, String name) {
    String id = name + "-" + UUID.randomUUID();
    STORE.put(id, java.util.Collections.synchronizedList(new ArrayList<>()));
    input.apply("Collect" + name, ParDo.of(new CollectFn<>(id)));
    return new Collected<>(id);
  }

  @SuppressWarnings("unchecked")
  public List<T> get() {
    synchronized (STORE.get(id)) {
      return new ArrayList<>((List<T>) (List<?>) STORE.get(id));
    }
  }

  static final class CollectFn<T> extends DoFn<T, Void> {
    private final String id;

    CollectFn(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element T element) {
      STORE.get(id).add(element);
    }
  }
}
