/** The control plane: runs caches as a managed service on one machine. */
package io.larder.control;
