package io.larder.control.model;

import java.util.List;

/**
 * ModifyCacheCluster changes asked for with ApplyImmediately=false: held until the cluster's next reboot (there are
 * no maintenance windows here).
 *
 * @param cacheParameterGroupName the group to switch to, or null
 * @param numCacheNodes           the node count to move to, or null
 * @param cacheNodeIdsToRemove    the nodes to remove when shrinking (empty: the newest ones)
 */
public record PendingModifications(String cacheParameterGroupName, Integer numCacheNodes,
                                   List<String> cacheNodeIdsToRemove) {
    public PendingModifications {
        cacheNodeIdsToRemove = cacheNodeIdsToRemove == null ? List.of() : List.copyOf(cacheNodeIdsToRemove);
    }

    /** This one with {@code later}'s values where it has them (a second deferred modify adds to the first). */
    public PendingModifications merge(PendingModifications later) {
        return new PendingModifications(
                later.cacheParameterGroupName != null ? later.cacheParameterGroupName : cacheParameterGroupName,
                later.numCacheNodes != null ? later.numCacheNodes : numCacheNodes,
                later.numCacheNodes != null ? later.cacheNodeIdsToRemove : cacheNodeIdsToRemove);
    }
}
