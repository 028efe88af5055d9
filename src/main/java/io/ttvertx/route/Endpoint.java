package io.ttvertx.route;

/** One logged-in connection: the msg instance address that holds it, its id there, its client type. */
record Endpoint(String address, long conn, int clientType) {
  boolean is(String otherAddress, long otherConn) {
    return conn == otherConn && address.equals(otherAddress);
  }
}
