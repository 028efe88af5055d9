package io.ttvertx.bench;

import java.util.ArrayList;
import java.util.List;

/** Command-line options of the load generator; see {@link #USAGE}. */
final class LoadOptions {
  static final String USAGE = """
      usage: java -cp target/tt-vertx.jar io.ttvertx.bench.LoadGenerator [options]
        --mode chat|group|idle  chat: pairs of users message each other; group: the users form groups
                                (created by their first member, as a client does) whose first members
                                post to them; idle: log in and hold (default chat)
        --host H --port P       msg server (default 127.0.0.1 8000)
        --transport tcp|ws      TeamTalk's TCP framing, or the web client's WebSocket (ws://host:port/ws,
                                one PDU per binary message; --port is then msg.webPort) (default tcp)
        --login-url URL         ask this login server (GET /msg_server) for the msg server instead
        --ports P1,P2,...       spread users over several msg servers on --host (user i on P[i % n]),
                                e.g. the nodes of a cluster
        --users N               users prefix0..prefix(N-1), created beforehand (default 1000)
        --prefix P --password W user names and password (default load, pw)
        --duration S            seconds of measured traffic or holding (default 30)
        --warmup S              chat, group: seconds of traffic before measuring starts (default 10)
        --group-size G          group: members per group; --users must be a multiple (default 500)
        --group-senders K       group: members of each group that post (default 10)
        --rate R                chat, group: messages/s in total; 0 = as fast as the window allows (default 0)
        --window W              chat, group: unacked messages each sender may have in flight (default 4)
        --payload B             chat, group: message size in bytes (default 64)
        --drain S               chat, group: seconds to wait at the end for copies still in flight; an acked
                                message whose copy has not arrived by then counts as lost (default 60)
        --report S              chat, group: print interim rate and latency every S seconds; 0 = off (default 5)
        --clients mixed|pc|mobile  client type of the logins: mixed = even users Windows, odd users
                                Android (default); every PC login is announced to every online PC
        --login-concurrency C   logins in flight at once (default 200)
        --sources A,B,...       local addresses to spread connections over (e.g. 127.0.0.1,127.0.0.2)
        --server-pid PID        idle: read the server's RSS and heap before and after (same machine)
        --event-loops N         event loops of the generator (default 2)
        --write-csv FILE        only write FILE for `user import` with the N users, then exit""";

  String mode = "chat";
  String host = "127.0.0.1";
  int port = 8000;
  String transport = "tcp";
  String loginUrl;
  List<Integer> ports = List.of();
  int users = 1000;
  String prefix = "load";
  String password = "pw";
  int durationSeconds = 30;
  int warmupSeconds = 10;
  int groupSize = 500;
  int groupSenders = 10;
  int rate = 0;
  int window = 4;
  int payload = 64;
  int drainSeconds = 60;
  int reportSeconds = 5;
  String clients = "mixed";
  int loginConcurrency = 200;
  List<String> sources = new ArrayList<>(List.of("127.0.0.1"));
  long serverPid;
  int eventLoops = 2;
  String writeCsv;

  static LoadOptions parse(String[] args) {
    LoadOptions o = new LoadOptions();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--mode" -> o.mode = value;
        case "--host" -> o.host = value;
        case "--port" -> o.port = Integer.parseInt(value);
        case "--transport" -> o.transport = value;
        case "--login-url" -> o.loginUrl = value;
        case "--ports" -> o.ports = java.util.Arrays.stream(value.split(",")).map(String::trim)
            .map(Integer::parseInt).toList();
        case "--users" -> o.users = Integer.parseInt(value);
        case "--prefix" -> o.prefix = value;
        case "--password" -> o.password = value;
        case "--duration" -> o.durationSeconds = Integer.parseInt(value);
        case "--warmup" -> o.warmupSeconds = Integer.parseInt(value);
        case "--group-size" -> o.groupSize = Integer.parseInt(value);
        case "--group-senders" -> o.groupSenders = Integer.parseInt(value);
        case "--rate" -> o.rate = Integer.parseInt(value);
        case "--window" -> o.window = Integer.parseInt(value);
        case "--payload" -> o.payload = Integer.parseInt(value);
        case "--drain" -> o.drainSeconds = Integer.parseInt(value);
        case "--report" -> o.reportSeconds = Integer.parseInt(value);
        case "--clients" -> o.clients = value;
        case "--login-concurrency" -> o.loginConcurrency = Integer.parseInt(value);
        case "--sources" -> o.sources = List.of(value.split(","));
        case "--server-pid" -> o.serverPid = Long.parseLong(value);
        case "--event-loops" -> o.eventLoops = Integer.parseInt(value);
        case "--write-csv" -> o.writeCsv = value;
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (!List.of("tcp", "ws").contains(o.transport)) {
      throw new IllegalArgumentException("--transport must be tcp or ws");
    }
    if (!List.of("chat", "group", "idle").contains(o.mode)) {
      throw new IllegalArgumentException("--mode must be chat, group or idle");
    }
    if (o.isGroupMode() && (o.groupSize < 2 || o.users % o.groupSize != 0)) {
      throw new IllegalArgumentException("group mode: --group-size must be at least 2 and divide --users");
    }
    if (o.isGroupMode() && (o.groupSenders < 1 || o.groupSenders > o.groupSize)) {
      throw new IllegalArgumentException("group mode: --group-senders must be between 1 and --group-size");
    }
    if (o.mode.equals("chat") && o.users % 2 != 0) {
      throw new IllegalArgumentException("chat mode pairs users: --users must be even");
    }
    if (!List.of("mixed", "pc", "mobile").contains(o.clients)) {
      throw new IllegalArgumentException("--clients must be mixed, pc or mobile");
    }
    if (o.payload < 40) {
      throw new IllegalArgumentException("--payload must be at least 40 bytes (it carries the sequence and time)");
    }
    return o;
  }

  /** The client type user {@code index} logs in with. */
  io.ttvertx.proto.IMBaseDefine.ClientType clientType(int index) {
    boolean pc = clients.equals("pc") || (clients.equals("mixed") && index % 2 == 0);
    return pc ? io.ttvertx.proto.IMBaseDefine.ClientType.CLIENT_TYPE_WINDOWS
        : io.ttvertx.proto.IMBaseDefine.ClientType.CLIENT_TYPE_ANDROID;
  }

  boolean isGroupMode() {
    return mode.equals("group");
  }

  String userName(int index) {
    return prefix + index;
  }
}
