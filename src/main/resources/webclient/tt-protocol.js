/*
 * The web client's protocol layer: TeamTalk PDUs (16-byte big-endian header + protobuf body, built
 * from the server's own .proto files with protobufjs), the text cipher the native clients use
 * (AES-256-ECB, zero padding with the plain length in the last 4 bytes, base64; crypto-js), and a
 * connection over the msg role's WebSocket (one PDU per binary message) with requests matched to
 * responses by seq. No UI here: app.js uses it, and the browser tests call it directly.
 */
(function (global) {
  'use strict';

  const HEADER_LENGTH = 16;
  const VERSION = 1;
  const PROTO_FILES = ['IM.BaseDefine.proto', 'IM.Login.proto', 'IM.Buddy.proto', 'IM.Message.proto',
    'IM.Group.proto', 'IM.Other.proto'];
  const CONVERSION = { enums: Number, longs: Number, bytes: Uint8Array, defaults: true, arrays: true };

  /** The PDU types of a loaded set of .proto files, and the command ids by name. */
  class Protocol {
    constructor(root) {
      this.root = root;
      this.ids = {};
      for (const name of ['ServiceID', 'LoginCmdID', 'BuddyListCmdID', 'MessageCmdID', 'GroupCmdID', 'OtherCmdID',
        'ClientType', 'SessionType', 'MsgType', 'UserStatType', 'GroupType', 'GroupModifyType', 'ResultType',
        'KickReasonType']) {
        Object.assign(this.ids, root.lookupEnum('IM.BaseDefine.' + name).values);
      }
    }

    type(name) {
      return this.root.lookupType(name);
    }

    /** A whole frame: header then {@code message} (a plain object) encoded as {@code typeName}. */
    encode(serviceId, commandId, seq, typeName, message) {
      const type = this.type(typeName);
      const body = type.encode(type.fromObject(message || {})).finish();
      return encodeFrame(serviceId, commandId, seq, body);
    }

    /** The body of a frame decoded as {@code typeName}, as a plain object (enums and 64-bit ints as numbers). */
    decodeBody(typeName, body) {
      const type = this.type(typeName);
      return type.toObject(type.decode(body), CONVERSION);
    }
  }

  function encodeFrame(serviceId, commandId, seq, body) {
    const frame = new Uint8Array(HEADER_LENGTH + body.length);
    const view = new DataView(frame.buffer);
    view.setUint32(0, frame.length);
    view.setUint16(4, VERSION);
    view.setUint16(6, 0);
    view.setUint16(8, serviceId);
    view.setUint16(10, commandId);
    view.setUint16(12, seq);
    view.setUint16(14, 0);
    frame.set(body, HEADER_LENGTH);
    return frame;
  }

  /** The header fields and body of one whole frame; throws when its header length is not its length. */
  function decodeFrame(bytes) {
    const frame = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    if (frame.length < HEADER_LENGTH) {
      throw new Error('frame of ' + frame.length + ' bytes is shorter than a header');
    }
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const length = view.getUint32(0);
    if (length !== frame.length) {
      throw new Error('header says ' + length + ' bytes, the frame has ' + frame.length);
    }
    return {
      length, version: view.getUint16(4), flag: view.getUint16(6), serviceId: view.getUint16(8),
      commandId: view.getUint16(10), seq: view.getUint16(12), reserved: view.getUint16(14),
      body: frame.subarray(HEADER_LENGTH)
    };
  }

  async function loadProtocol(baseUrl) {
    const root = await new protobuf.Root().load(PROTO_FILES.map(file => baseUrl + file), { keepCase: false });
    return new Protocol(root);
  }

  function bytesToWords(bytes) {
    const words = [];
    for (let i = 0; i < bytes.length; i++) {
      words[i >>> 2] |= bytes[i] << (24 - (i % 4) * 8);
    }
    return CryptoJS.lib.WordArray.create(words, bytes.length);
  }

  function wordsToBytes(wordArray) {
    const bytes = new Uint8Array(wordArray.sigBytes);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = (wordArray.words[i >>> 2] >>> (24 - (i % 4) * 8)) & 0xff;
    }
    return bytes;
  }

  /** TeamTalk's message text cipher (the server's io.ttvertx.db.MessageCipher, the native clients' Security). */
  class TextCipher {
    constructor(key) {
      if (key.length !== 32) {
        throw new Error('the AES key must have 32 characters');
      }
      this.key = CryptoJS.enc.Latin1.parse(key);
      this.options = { mode: CryptoJS.mode.ECB, padding: CryptoJS.pad.NoPadding };
    }

    /** The base64 text for {@code text}. */
    encrypt(text) {
      const plain = new TextEncoder().encode(text);
      let blocks = Math.ceil(plain.length / 16);
      const remain = plain.length % 16;
      if (remain === 0 || remain > 12) {
        blocks++;
      }
      const padded = new Uint8Array(blocks * 16);
      padded.set(plain);
      new DataView(padded.buffer).setUint32(padded.length - 4, plain.length);
      return CryptoJS.AES.encrypt(bytesToWords(padded), this.key, this.options).ciphertext
        .toString(CryptoJS.enc.Base64);
    }

    /** The text in {@code base64}; throws when it is not such a text. */
    decrypt(base64) {
      const cipherText = CryptoJS.enc.Base64.parse(base64);
      if (cipherText.sigBytes === 0 || cipherText.sigBytes % 16 !== 0) {
        throw new Error('not a TeamTalk-encrypted text');
      }
      const padded = wordsToBytes(CryptoJS.AES.decrypt({ ciphertext: cipherText }, this.key, this.options));
      const length = new DataView(padded.buffer).getUint32(padded.length - 4);
      if (length > padded.length - 4) {
        throw new Error('not a TeamTalk-encrypted text');
      }
      return new TextDecoder('utf-8', { fatal: true }).decode(padded.subarray(0, length));
    }
  }

  /** The md5 hex of the typed password: what TeamTalk clients send as the password. */
  function passwordDigest(typed) {
    return CryptoJS.MD5(CryptoJS.enc.Utf8.parse(typed)).toString(CryptoJS.enc.Hex);
  }

  const PICTURE_START = '&$#@~^@[{:';
  const PICTURE_END = ':}]&$~@#@';

  /** TeamTalk's picture message text (the server's io.ttvertx.protocol.PictureText). */
  const PictureText = {
    of: url => PICTURE_START + url + PICTURE_END,
    urlOf: text => text.length >= PICTURE_START.length + PICTURE_END.length && text.startsWith(PICTURE_START)
      && text.endsWith(PICTURE_END) ? text.substring(PICTURE_START.length, text.length - PICTURE_END.length) : null
  };

  /**
   * One WebSocket to the msg role. request() sends a PDU and resolves with the decoded answer (the frame
   * echoing its seq); send() expects none; frames with seq 0 (pushes) go to onPush. onClose is told
   * once, with the close frame's reason.
   */
  class Connection {
    constructor(protocol, url) {
      this.protocol = protocol;
      this.url = url;
      this.nextSeq = 1;
      this.pending = new Map();
      this.onPush = () => {};
      this.onClose = () => {};
      this.requestTimeoutMs = 15000;
    }

    open() {
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(this.url);
        socket.binaryType = 'arraybuffer';
        this.socket = socket;
        let opened = false;
        socket.onopen = () => {
          opened = true;
          resolve(this);
        };
        socket.onmessage = event => this.handleMessage(event.data);
        socket.onclose = event => {
          for (const waiting of this.pending.values()) {
            clearTimeout(waiting.timer);
            waiting.reject(new Error('connection closed'));
          }
          this.pending.clear();
          if (opened) {
            this.onClose(event.reason || ('closed (' + event.code + ')'));
          } else {
            reject(new Error('cannot connect (' + event.code + ')'));
          }
        };
      });
    }

    takeSeq() {
      const seq = this.nextSeq;
      this.nextSeq = seq === 0xffff ? 1 : seq + 1;
      return seq;
    }

    send(serviceId, commandId, typeName, message) {
      const seq = this.takeSeq();
      this.socket.send(this.protocol.encode(serviceId, commandId, seq, typeName, message));
      return seq;
    }

    request(serviceId, commandId, typeName, message, answerTypeName) {
      const seq = this.takeSeq();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(seq);
          reject(new Error('no answer in time'));
        }, this.requestTimeoutMs);
        this.pending.set(seq, {
          resolve: frame => resolve(answerTypeName ? this.protocol.decodeBody(answerTypeName, frame.body) : frame),
          reject, timer
        });
        this.socket.send(this.protocol.encode(serviceId, commandId, seq, typeName, message));
      });
    }

    handleMessage(data) {
      let frame;
      try {
        frame = decodeFrame(new Uint8Array(data));
      } catch (e) {
        this.close();
        return;
      }
      const waiting = frame.seq === 0 ? null : this.pending.get(frame.seq);
      if (waiting) {
        this.pending.delete(frame.seq);
        clearTimeout(waiting.timer);
        try {
          waiting.resolve(frame);
        } catch (e) {
          waiting.reject(e);
        }
        return;
      }
      this.onPush(frame);
    }

    close() {
      if (this.socket) {
        this.socket.close();
      }
    }
  }

  global.TT = { HEADER_LENGTH, Protocol, loadProtocol, encodeFrame, decodeFrame, TextCipher, passwordDigest,
    PictureText, Connection };
})(window);
