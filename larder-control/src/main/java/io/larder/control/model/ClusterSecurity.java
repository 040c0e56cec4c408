package io.larder.control.model;

import java.util.List;

/**
 * How a cluster's nodes are secured, chosen at creation and never changed (as ElastiCache's
 * TransitEncryptionEnabled on a cache cluster).
 *
 * @param transitEncryption the nodes serve TLS only, with certificates of the control plane's CA
 * @param tokenUsers        users that log in with tokens signed by the control plane (Larder's own, see
 *                          docs/control-plane.md); Redis only
 */
public record ClusterSecurity(boolean transitEncryption, List<String> tokenUsers) {
    public static final ClusterSecurity NONE = new ClusterSecurity(false, List.of());

    public ClusterSecurity {
        tokenUsers = List.copyOf(tokenUsers);
    }
}
