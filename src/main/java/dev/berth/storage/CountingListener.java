package dev.berth.storage;

import io.micrometer.core.instrument.Counter;
import java.util.List;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;

/** Adds each executed statement (each query of a batch) to a counter. */
record CountingListener(Counter statements) implements QueryExecutionListener {
    @Override
    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {}

    @Override
    public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        statements.increment(Math.max(1, queryInfoList.size()));
    }
}
