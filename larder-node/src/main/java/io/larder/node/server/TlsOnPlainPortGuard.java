package io.larder.node.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of a plain-port connection: a TLS client's first byte is a handshake record (0x16), which no RESP
 * request starts with. Such a connection is closed at once, so the client fails its handshake cleanly instead of
 * waiting for an answer that never comes (redis-server leaves it hanging). Removes itself after the first read.
 */
final class TlsOnPlainPortGuard extends ChannelInboundHandlerAdapter {
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (in.isReadable() && in.getByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD) {
            in.release();
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }
}
