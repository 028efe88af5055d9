package io.ttvertx.file;

import io.ttvertx.proto.IMFile;
import io.ttvertx.protocol.Pdu;

/**
 * What a logged-in connection takes part in: an online relay, an offline upload or an offline
 * download. The connection hands it the transfer commands; it decides what each means for its role.
 */
interface Transfer {

  /** The connection's login was accepted and answered. */
  void start(FileConnection connection);

  void handlePullRequest(FileConnection connection, Pdu frame, IMFile.IMFilePullDataReq request);

  void handlePullResponse(FileConnection connection, Pdu frame, IMFile.IMFilePullDataRsp response);

  void handleState(FileConnection connection, IMFile.IMFileState state);

  /** The connection closed (for any reason, once). */
  void connectionClosed(FileConnection connection, String reason);
}
