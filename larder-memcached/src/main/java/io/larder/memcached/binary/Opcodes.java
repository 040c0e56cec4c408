package io.larder.memcached.binary;

/** Binary protocol opcodes (memcached's protocol_binary.h) and the ElastiCache CONFIG_GET extension. */
final class Opcodes {
    static final int GET = 0x00;
    static final int SET = 0x01;
    static final int ADD = 0x02;
    static final int REPLACE = 0x03;
    static final int DELETE = 0x04;
    static final int INCREMENT = 0x05;
    static final int DECREMENT = 0x06;
    static final int QUIT = 0x07;
    static final int FLUSH = 0x08;
    static final int GETQ = 0x09;
    static final int NOOP = 0x0a;
    static final int VERSION = 0x0b;
    static final int GETK = 0x0c;
    static final int GETKQ = 0x0d;
    static final int APPEND = 0x0e;
    static final int PREPEND = 0x0f;
    static final int STAT = 0x10;
    static final int SETQ = 0x11;
    static final int ADDQ = 0x12;
    static final int REPLACEQ = 0x13;
    static final int DELETEQ = 0x14;
    static final int INCREMENTQ = 0x15;
    static final int DECREMENTQ = 0x16;
    static final int QUITQ = 0x17;
    static final int FLUSHQ = 0x18;
    static final int APPENDQ = 0x19;
    static final int PREPENDQ = 0x1a;
    static final int TOUCH = 0x1c;
    static final int GAT = 0x1d;
    static final int GATQ = 0x1e;
    static final int SASL_LIST_MECHS = 0x20;
    static final int SASL_AUTH = 0x21;
    static final int SASL_STEP = 0x22;
    static final int GATK = 0x23;
    static final int GATKQ = 0x24;
    /** ElastiCache's CONFIG_GET (key "cluster"), as the AWS cluster client sends it. */
    static final int CONFIG_GET = 0x60;

    /** The loud opcode a quiet one stands for; -1 when the opcode is not quiet. */
    static int loud(int opcode) {
        return switch (opcode) {
            case SETQ -> SET;
            case ADDQ -> ADD;
            case REPLACEQ -> REPLACE;
            case DELETEQ -> DELETE;
            case INCREMENTQ -> INCREMENT;
            case DECREMENTQ -> DECREMENT;
            case QUITQ -> QUIT;
            case FLUSHQ -> FLUSH;
            case APPENDQ -> APPEND;
            case PREPENDQ -> PREPEND;
            case GETQ -> GET;
            case GETKQ -> GETK;
            case GATQ -> GAT;
            case GATKQ -> GATK;
            default -> -1;
        };
    }

    private Opcodes() {
    }
}
