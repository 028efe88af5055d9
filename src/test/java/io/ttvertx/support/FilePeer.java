package io.ttvertx.support;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.protocol.Pdu;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client of the file port. Pull requests the server (or the peer through it) sends are answered by
 * the pull answerer, when one is set; other unprompted frames wait in a queue for the test.
 */
public final class FilePeer {
  public final TeamTalkClient client;
  private final LinkedBlockingQueue<Pdu> unprompted = new LinkedBlockingQueue<>();
  private volatile Function<IMFile.IMFilePullDataReq, IMFile.IMFilePullDataRsp> answerer;

  public FilePeer(TeamTalkClient client) {
    this.client = client;
    client.pushHandler(pdu -> {
      Function<IMFile.IMFilePullDataReq, IMFile.IMFilePullDataRsp> answer = answerer;
      if (pdu.commandId() == FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE && answer != null) {
        IMFile.IMFilePullDataRsp response = answer.apply(TeamTalkClient.parse(pdu, IMFile.IMFilePullDataReq.parser()));
        if (response == null) {
          client.close();
        } else {
          client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE, response);
        }
      } else {
        unprompted.add(pdu);
      }
    });
  }

  public IMFile.IMFileLoginRsp login(int userId, String taskId, ClientFileRole role) {
    Pdu response = await(client.request(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_LOGIN_REQ_VALUE,
        IMFile.IMFileLoginReq.newBuilder().setUserId(userId).setTaskId(taskId).setFileRole(role).build()));
    assertThat(response.commandId()).isEqualTo(FileCmdID.CID_FILE_LOGIN_RES_VALUE);
    return TeamTalkClient.parse(response, IMFile.IMFileLoginRsp.parser());
  }

  /** Logs in and expects to be refused: LOGIN_RES 1, then the connection closed. */
  public void loginRefused(int userId, String taskId, ClientFileRole role) {
    IMFile.IMFileLoginRsp response = login(userId, taskId, role);
    assertThat(response.getResultCode()).isEqualTo(1);
    assertThat(response.getTaskId()).isEqualTo(taskId);
    awaitClosed();
  }

  /** Answers pull requests with {@code file}'s bytes, as a sending client does. */
  public void serve(byte[] file, int userId) {
    answerWith(request -> answer(request.getTaskId(), userId, request.getOffset(),
        slice(file, request.getOffset(), request.getDataSize())));
  }

  public void answerWith(Function<IMFile.IMFilePullDataReq, IMFile.IMFilePullDataRsp> answer) {
    this.answerer = answer;
  }

  public static IMFile.IMFilePullDataRsp answer(String taskId, int userId, long offset, byte[] data) {
    return IMFile.IMFilePullDataRsp.newBuilder().setResultCode(0).setTaskId(taskId).setUserId(userId)
        .setOffset((int) offset).setFileData(ByteString.copyFrom(data)).build();
  }

  public static byte[] slice(byte[] file, long offset, int size) {
    int from = (int) Math.min(offset, file.length);
    return java.util.Arrays.copyOfRange(file, from, (int) Math.min(file.length, from + (long) size));
  }

  public static IMFile.IMFilePullDataReq pullRequest(String taskId, int userId, int mode, long offset, int size) {
    return IMFile.IMFilePullDataReq.newBuilder().setTaskId(taskId).setUserId(userId)
        .setTransMode(TransferFileType.forNumber(mode)).setOffset((int) offset).setDataSize(size).build();
  }

  /** Sends a pull request without waiting for an answer (one that should close the connection). */
  public void sendPull(String taskId, int userId, int mode, long offset, int size) {
    client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE,
        pullRequest(taskId, userId, mode, offset, size));
  }

  /** Sends a pull request and returns the answer (the frame echoing its seq). */
  public IMFile.IMFilePullDataRsp pull(String taskId, int userId, int mode, long offset, int size) {
    Pdu response = await(client.request(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE,
        pullRequest(taskId, userId, mode, offset, size)));
    assertThat(response.commandId()).isEqualTo(FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE);
    return TeamTalkClient.parse(response, IMFile.IMFilePullDataRsp.parser());
  }

  /** Pulls a whole file of {@code size} bytes in {@code chunk}-byte requests, checking each answer's offset. */
  public byte[] pullAll(String taskId, int userId, int mode, long size, int chunk) {
    byte[] file = new byte[(int) size];
    int offset = 0;
    while (offset < size) {
      IMFile.IMFilePullDataRsp response = pull(taskId, userId, mode, offset, (int) Math.min(chunk, size - offset));
      assertThat(response.getResultCode()).isZero();
      assertThat(response.getOffset()).isEqualTo(offset);
      assertThat(response.getFileData().size()).isPositive();
      response.getFileData().copyTo(file, offset);
      offset += response.getFileData().size();
    }
    return file;
  }

  public void sendState(ClientFileState state, String taskId, int userId) {
    client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_STATE_VALUE,
        IMFile.IMFileState.newBuilder().setState(state).setTaskId(taskId).setUserId(userId).build());
  }

  /** The next unprompted frame, which must be a STATE. */
  public IMFile.IMFileState nextState() {
    Pdu pdu = nextUnprompted();
    assertThat(pdu.commandId()).as("command of %s", pdu.describe()).isEqualTo(FileCmdID.CID_FILE_STATE_VALUE);
    return TeamTalkClient.parse(pdu, IMFile.IMFileState.parser());
  }

  public Pdu nextUnprompted() {
    try {
      Pdu pdu = unprompted.poll(io.ttvertx.support.Await.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (pdu == null) {
        throw new AssertionError("no frame within " + io.ttvertx.support.Await.TIMEOUT_SECONDS + " s");
      }
      return pdu;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  public boolean hasUnprompted() {
    return !unprompted.isEmpty();
  }

  public void awaitClosed() {
    await(client.closed());
  }

  public void close() {
    client.close();
  }
}
