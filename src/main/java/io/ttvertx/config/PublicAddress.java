package io.ttvertx.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * The address handed to clients when none is configured (msg.priorIp and the like): the host's first non-loopback
 * IPv4 address. Handing out a loopback address is the most common cause of "clients can't reach
 * msg_server" with TeamTalk, so it is warned about.
 */
public final class PublicAddress {
  private static final Logger log = LoggerFactory.getLogger(PublicAddress.class);

  private PublicAddress() {
  }

  public static String detect() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
            return address.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      log.warn("cannot list network interfaces: {}", e.getMessage());
    }
    log.warn("no non-loopback address found: clients will be handed 127.0.0.1, which remote clients cannot reach;"
        + " set msg.priorIp (or TT_MSG_PRIOR_IP) to the address clients use");
    return "127.0.0.1";
  }

  public static void warnIfLoopback(String address, String key) {
    if (address.startsWith("127.") || address.equals("localhost") || address.equals("::1")) {
      log.warn("{} is {}: only clients on this machine can reach it; set it to an address clients use", key, address);
    }
  }
}
