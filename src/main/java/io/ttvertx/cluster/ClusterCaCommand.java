package io.ttvertx.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code cluster-ca DIR [NAME=HOST[,HOST...] ...]}: makes (or reuses) the cluster's private CA in DIR
 * and a certificate and key for each node named, valid for the hosts listed. Needs no configuration.
 */
public final class ClusterCaCommand {
  public static final String NAME = "cluster-ca";
  static final String USAGE = """
      usage: cluster-ca DIR [NAME=HOST[,HOST...] ...]
        makes DIR/ca.pem and DIR/ca-key.pem (a new CA, or the one already in DIR) and, for each node,
        DIR/NAME.pem and DIR/NAME-key.pem naming its IP addresses or DNS names, e.g.
        cluster-ca certs node1=10.0.0.1 node2=10.0.0.2 node3=10.0.0.3""";

  private ClusterCaCommand() {
  }

  /** Runs the command ({@code args} without the command name); returns the exit code (0 ok, 1 failed, 2 usage). */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).startsWith("-")) {
      err.println(USAGE);
      return 2;
    }
    Path directory = Path.of(args.get(0));
    List<String> nodes = args.subList(1, args.size());
    for (String node : nodes) {
      int equals = node.indexOf('=');
      if (equals <= 0 || equals == node.length() - 1) {
        err.println("'" + node + "' is not NAME=HOST[,HOST...]");
        err.println(USAGE);
        return 2;
      }
    }
    try {
      ClusterCa ca = ClusterCa.openOrCreate(directory);
      out.println("CA: " + directory.resolve(ClusterCa.CA_CERTIFICATE) + " (" + ca.certificate().getSubjectX500Principal()
          + "); keep " + directory.resolve(ClusterCa.CA_KEY) + " off the nodes");
      for (String node : nodes) {
        int equals = node.indexOf('=');
        String name = node.substring(0, equals);
        List<String> hosts = Arrays.stream(node.substring(equals + 1).split(",")).map(String::trim)
            .filter(host -> !host.isEmpty()).toList();
        ClusterCa.NodeFiles files = ca.issue(name, hosts);
        out.println(name + ": \"tls\": {\"certificate\": \"" + files.certificate() + "\", \"key\": \"" + files.key()
            + "\", \"ca\": \"" + directory.resolve(ClusterCa.CA_CERTIFICATE) + "\"}");
      }
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      err.println("cluster-ca failed: " + e.getMessage());
      return 1;
    }
  }
}
