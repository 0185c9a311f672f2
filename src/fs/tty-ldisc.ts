// The terminal line discipline (Linux's N_TTY): termios, input editing in
// canonical mode (erase, kill, word erase, literal next, reprint), echo,
// ISIG characters, CR/NL input mapping, output post-processing (ONLCR and
// friends) and the VMIN/VTIME rules for reads in non-canonical mode. It only
// moves bytes: the pseudo-terminal (pty.ts) decides what blocks and who gets
// the signals it asks for.

// struct termios indexes and flags, as Linux spells them
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSTART = 8, VSTOP = 9,
  VSUSP = 10, VEOL = 11, VREPRINT = 12, VWERASE = 14, VLNEXT = 15, VEOL2 = 16, NCCS = 19;
export const INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400, IXANY = 0x800, IUTF8 = 0x4000;
export const OPOST = 0x1, ONLCR = 0x4, OCRNL = 0x8, ONOCR = 0x10, ONLRET = 0x20, TABDLY = 0x1800, XTABS = 0x1800;
export const ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHONL = 0x40, NOFLSH = 0x80,
  TOSTOP = 0x100, ECHOCTL = 0x200, ECHOKE = 0x800, IEXTEN = 0x8000;
const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20;

export const TERMIOS_SIZE = 36, TERMIOS2_SIZE = 44;
// Linux's N_TTY_BUF_SIZE: at most this many unread input bytes (one is kept for a line end).
const INPUT_MAX = 4096;
// Echoes are dropped while this much output is unread.
const ECHO_MAX = 65536;
// Echoes of one batch of input reach the output in blocks of this size (Linux's
// ECHO_COMMIT_WATERMARK): an ISIG character drops those not yet out.
const ECHO_BLOCK = 256;

export class Termios {
  iflag = 0x500; // ICRNL IXON
  oflag = OPOST | ONLCR;
  cflag = 0xbf; // B38400 CS8 CREAD
  lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  line = 0;
  // ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, 0, ^Q ^S ^Z, 0, ^R ^O ^W ^V, 0 (Linux's INIT_C_CC)
  cc = Uint8Array.from([3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0xf, 0x17, 0x16, 0, 0, 0]);
  ispeed = 38400;
  ospeed = 38400;

  // struct termios (36 bytes) or struct termios2 (44: with c_ispeed, c_ospeed)
  encode(size: number): Uint8Array {
    const b = new Uint8Array(size);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, this.iflag, true);
    dv.setUint32(4, this.oflag, true);
    dv.setUint32(8, this.cflag, true);
    dv.setUint32(12, this.lflag, true);
    b[16] = this.line;
    b.set(this.cc, 17);
    if (size >= TERMIOS2_SIZE) { dv.setUint32(36, this.ispeed, true); dv.setUint32(40, this.ospeed, true); }
    return b;
  }
  decode(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    this.iflag = dv.getUint32(0, true);
    this.oflag = dv.getUint32(4, true);
    this.cflag = dv.getUint32(8, true);
    this.lflag = dv.getUint32(12, true);
    this.line = b[16];
    this.cc.set(b.subarray(17, 17 + NCCS));
    if (b.length >= TERMIOS2_SIZE) { this.ispeed = dv.getUint32(36, true); this.ospeed = dv.getUint32(40, true); }
  }
}

// A growable byte FIFO.
export class ByteQueue {
  private buf = new Uint8Array(256);
  private head = 0;
  private tail = 0;
  get length(): number { return this.tail - this.head; }
  push(b: number): void {
    if (this.tail === this.buf.length) {
      const n = this.length;
      if (n * 2 > this.buf.length) {
        const next = new Uint8Array(this.buf.length * 2);
        next.set(this.buf.subarray(this.head, this.tail));
        this.buf = next;
      } else this.buf.copyWithin(0, this.head, this.tail);
      this.head = 0;
      this.tail = n;
    }
    this.buf[this.tail++] = b;
  }
  take(n: number): Uint8Array {
    const out = this.buf.slice(this.head, this.head + Math.min(n, this.length));
    this.head += out.length;
    if (this.head === this.tail) this.head = this.tail = 0;
    return out;
  }
  clear(): void { this.head = this.tail = 0; }
  // Keep only the first n bytes.
  truncate(n: number): void { this.tail = this.head + Math.min(n, this.length); }
}

// What the line discipline asks of its terminal.
export interface LdiscPort {
  signal(signo: number): void; // an ISIG character: the foreground process group
  outputChanged(): void; // bytes were added to the output queue
}

const isCntrl = (c: number) => c < 32 || c === 127;
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
// Unread input: a byte, a byte that ends a canonical line (LINE_END | byte), or an end-of-file mark.
const LINE_END = 0x100, EOF_MARK = -1;

export class LineDiscipline {
  readonly termios = new Termios();
  // Unread input. In canonical mode input[0, canonHead) are complete lines, the rest the line being edited.
  private input: number[] = [];
  private canonHead = 0;
  private lnext = false;
  private column = 0; // the output column (tab and erase echoes)
  private canonColumn = 0; // the column where the line being edited starts
  stopped = false; // output stopped by VSTOP (IXON)

  constructor(readonly output: ByteQueue, private readonly port: LdiscPort) {}

  get canonical(): boolean { return (this.termios.lflag & ICANON) !== 0; }

  // --- input ----------------------------------------------------------------------
  // Whether one more input byte fits.
  get inputRoom(): boolean {
    if (!this.canonical) return this.input.length < INPUT_MAX - 1;
    return this.canonHead === 0 || this.input.length < INPUT_MAX - 1;
  }

  // Bytes arriving from the terminal (the master's writes). Returns how many were taken.
  receive(data: Uint8Array): number {
    this.echoMark = this.output.length;
    this.echoMarkColumn = this.column;
    let i = 0;
    for (; i < data.length && this.inputRoom; i++) {
      this.receiveByte(data[i]);
      if (this.output.length - this.echoMark >= ECHO_BLOCK) { this.echoMark = this.output.length; this.echoMarkColumn = this.column; }
    }
    return i;
  }
  private echoMark = 0; // output length and column before this batch's echoes
  private echoMarkColumn = 0;

  private receiveByte(c: number): void {
    const t = this.termios, cc = t.cc, lflag = t.lflag;
    // after VLNEXT, and NUL (a control character set to 0 is disabled): an ordinary character
    if (this.lnext || c === 0) {
      this.lnext = false;
      this.putChar(c);
      return;
    }
    if (t.iflag & IXON) {
      if (c === cc[VSTART]) { this.stopped = false; this.port.outputChanged(); return; }
      if (c === cc[VSTOP]) { this.stopped = true; return; }
    }
    if (lflag & ISIG) {
      const sig = c === cc[VINTR] ? SIGINT : c === cc[VQUIT] ? SIGQUIT : c === cc[VSUSP] ? SIGTSTP : 0;
      if (sig) {
        if (!(lflag & NOFLSH)) {
          // the input goes, and the echoes not yet out; output stays (flushing a pty's output drops nothing)
          this.flushInput();
          this.output.truncate(this.echoMark);
          this.column = this.echoMarkColumn;
        }
        this.port.signal(sig);
        if (lflag & ECHO) this.echoChar(c);
        this.port.outputChanged();
        return;
      }
    }
    if (this.stopped && t.iflag & IXON && t.iflag & IXANY) { this.stopped = false; this.port.outputChanged(); }
    if (c === 13) {
      if (t.iflag & IGNCR) return;
      if (t.iflag & ICRNL) c = 10;
    } else if (c === 10 && t.iflag & INLCR) c = 13;
    if (this.canonical) {
      if (c === cc[VERASE] || c === cc[VKILL] || (c === cc[VWERASE] && lflag & IEXTEN)) { this.erase(c); return; }
      if (c === cc[VLNEXT] && lflag & IEXTEN) {
        this.lnext = true;
        if (lflag & ECHO && lflag & ECHOCTL) { this.echoRaw(0x5e); this.echoRaw(8); this.port.outputChanged(); }
        return;
      }
      if (c === cc[VREPRINT] && lflag & ECHO && lflag & IEXTEN) { this.reprint(c); return; }
      if (c === 10) {
        if (lflag & (ECHO | ECHONL)) { this.echoRaw(10); this.port.outputChanged(); }
        this.endLine(LINE_END | c);
        return;
      }
      if (c === cc[VEOF]) { this.endLine(EOF_MARK); return; }
      if (c === cc[VEOL] || (c === cc[VEOL2] && lflag & IEXTEN)) {
        if (lflag & ECHO) { this.noteLineStart(); this.echoChar(c); this.port.outputChanged(); }
        this.endLine(LINE_END | c);
        return;
      }
    }
    this.putChar(c);
  }

  // An ordinary character: into the input, echoed.
  private putChar(c: number): void {
    if (this.canonical && this.input.length - this.canonHead >= INPUT_MAX - 1) return; // the line is full
    if (this.termios.lflag & ECHO) {
      if (c === 10) this.echoRaw(10);
      else { this.noteLineStart(); this.echoChar(c); }
      this.port.outputChanged();
    }
    this.input.push(c);
  }
  private noteLineStart(): void { if (this.input.length === this.canonHead) this.canonColumn = this.column; }
  private endLine(mark: number): void {
    this.input.push(mark);
    this.canonHead = this.input.length;
    this.canonColumn = this.column;
  }

  // VERASE, VWERASE or VKILL in canonical mode.
  private erase(c: number): void {
    const t = this.termios, lflag = t.lflag, cc = t.cc;
    if (this.input.length === this.canonHead) return;
    const kind = c === cc[VERASE] ? 'erase' : c === cc[VWERASE] ? 'werase' : 'kill';
    const echo = (lflag & ECHO) !== 0;
    if (kind === 'kill' && (!echo || !(lflag & ECHOK) || !(lflag & ECHOKE) || !(lflag & ECHOE))) {
      this.input.length = this.canonHead;
      if (echo) {
        this.echoChar(c);
        if (lflag & ECHOK) this.echoRaw(10);
        this.port.outputChanged();
      }
      return;
    }
    let seenWord = false;
    while (this.input.length > this.canonHead) {
      const prev = this.input[this.input.length - 1];
      if (kind === 'werase') {
        if (isWordChar(prev)) seenWord = true;
        else if (seenWord) break;
      }
      this.input.pop();
      if (echo) {
        if (kind === 'erase' && !(lflag & ECHOE)) this.echoChar(cc[VERASE]);
        else if (prev === 9) {
          const cols = this.column - this.lineColumn();
          for (let i = 0; i < cols; i++) this.echoRaw(8);
        } else if (!isCntrl(prev) || lflag & ECHOCTL) {
          for (let n = isCntrl(prev) ? 2 : 1; n > 0; n--) { this.echoRaw(8); this.echoRaw(32); this.echoRaw(8); }
        }
      }
      if (kind === 'erase') break;
    }
    if (echo) this.port.outputChanged();
  }
  // The output column after echoing the line being edited (for erasing a tab).
  private lineColumn(): number {
    let col = this.canonColumn;
    for (let i = this.canonHead; i < this.input.length; i++) {
      const c = this.input[i] & 0xff;
      if (c === 9) col = (col | 7) + 1;
      else if (isCntrl(c)) { if (this.termios.lflag & ECHOCTL) col += 2; }
      else col++;
    }
    return col;
  }
  private reprint(c: number): void {
    this.echoChar(c);
    this.echoRaw(10);
    for (let i = this.canonHead; i < this.input.length; i++) this.echoChar(this.input[i] & 0xff);
    this.port.outputChanged();
  }

  flushInput(): void {
    this.input = [];
    this.canonHead = 0;
    this.lnext = false;
  }

  // termios changed. Switching modes forgets where lines end (an EOF mark becomes
  // a NUL byte, as in Linux); switching to canonical mode makes the unread input
  // one finished line, so a read gets it as it is.
  setTermios(bytes: Uint8Array): void {
    const was = this.canonical;
    this.termios.decode(bytes);
    if (was !== this.canonical) {
      this.input = this.input.map((v) => (v === EOF_MARK ? 0 : v & 0xff));
      if (this.canonical && this.input.length) this.input[this.input.length - 1] |= LINE_END;
      this.canonHead = this.canonical ? this.input.length : 0;
      this.canonColumn = this.column;
      this.lnext = false;
    }
    if (!(this.termios.iflag & IXON) && this.stopped) { this.stopped = false; this.port.outputChanged(); }
  }

  // --- reading ----------------------------------------------------------------------
  // Bytes a read would get now (FIONREAD): whole lines in canonical mode, without EOF marks.
  available(): number {
    if (!this.canonical) return this.input.length;
    let n = 0;
    for (let i = 0; i < this.canonHead; i++) if (this.input[i] !== EOF_MARK) n++;
    return n;
  }
  // Whether a read (or poll, which also honours VMIN when VTIME is 0) would return data now.
  readable(forPoll: boolean): boolean {
    if (this.canonical) return this.canonHead > 0;
    const { cc } = this.termios;
    const amount = forPoll && cc[VTIME] === 0 && cc[VMIN] > 0 ? cc[VMIN] : 1;
    return this.input.length >= amount;
  }
  get pending(): number { return this.input.length; }

  // Canonical read: up to n bytes of the first line (its end included; an EOF
  // mark is consumed, not returned). Call only when readable.
  readLine(n: number): Uint8Array {
    const out: number[] = [];
    let used = 0;
    while (used < this.canonHead && out.length < n) {
      const v = this.input[used++];
      if (v === EOF_MARK) break;
      out.push(v & 0xff);
      if (v & LINE_END) break;
    }
    // a line longer than n: the rest stays for the next read; an EOF mark right after it too
    this.input.splice(0, used);
    this.canonHead -= used;
    return Uint8Array.from(out);
  }
  // Non-canonical read of up to n bytes.
  readRaw(n: number): Uint8Array {
    const k = Math.min(n, this.input.length);
    const out = Uint8Array.from(this.input.slice(0, k), (v) => (v === EOF_MARK ? 0 : v & 0xff));
    this.input.splice(0, k);
    this.canonHead = Math.max(0, this.canonHead - k);
    return out;
  }

  // --- output -------------------------------------------------------------------------
  // The slave's writes: post-processed into the output queue while there is room
  // (below `limit` bytes queued). Returns how many bytes of data were taken.
  write(data: Uint8Array, limit: number): number {
    let i = 0;
    for (; i < data.length && this.output.length < limit; i++) this.outChar(data[i]);
    if (i) this.port.outputChanged();
    return i;
  }
  private outChar(c: number): void {
    const o = this.termios.oflag;
    if (!(o & OPOST)) { this.output.push(c); return; }
    switch (c) {
      case 10:
        if (o & ONLCR) { this.output.push(13); this.output.push(10); this.column = 0; return; }
        if (o & ONLRET) this.column = 0;
        break;
      case 13:
        if (o & ONOCR && this.column === 0) return;
        if (o & OCRNL) { if (o & ONLRET) this.column = 0; this.output.push(10); return; }
        this.column = 0;
        break;
      case 9: {
        const spaces = 8 - (this.column & 7);
        this.column += spaces;
        if ((o & TABDLY) === XTABS) { for (let k = 0; k < spaces; k++) this.output.push(32); return; }
        break;
      }
      case 8: if (this.column > 0) this.column--; break;
      default:
        if (!isCntrl(c) && !(this.termios.iflag & IUTF8 && (c & 0xc0) === 0x80)) this.column++;
    }
    this.output.push(c);
  }
  // Echo: a newline or a character as typed (^X for control characters under ECHOCTL).
  private echoRaw(c: number): void { if (this.output.length < ECHO_MAX) this.outChar(c); }
  private echoChar(c: number): void {
    if (this.output.length >= ECHO_MAX) return;
    if (this.termios.lflag & ECHOCTL && isCntrl(c) && c !== 9) {
      this.outChar(0x5e);
      this.outChar(c ^ 0x40);
    } else this.outChar(c);
  }
}
