-- cmsgpack as Redis ships it (pack, unpack, unpack_one, unpack_limit), in Lua. Floats go through the struct
-- library (larder_struct), which packs IEEE 754 values exactly.
local struct = larder_struct
local type, pairs, error, select, floor, char, byte, sub, concat, huge =
      type, pairs, error, select, math.floor, string.char, string.byte, string.sub, table.concat, math.huge

local function be(n, bytes) -- non-negative integer as big-endian bytes
  local out = {}
  for i = bytes, 1, -1 do
    out[i] = char(n % 256)
    n = floor(n / 256)
  end
  return concat(out)
end

local function is_array(t)
  local n = 0
  for k in pairs(t) do
    if type(k) ~= 'number' or k < 1 or floor(k) ~= k then return false end
    n = n + 1
  end
  for i = 1, n do if t[i] == nil then return false end end
  return true, n
end

local encode
local function encode_number(n)
  if n == floor(n) and n >= -2^63 and n < 2^64 and n == n and n ~= huge and n ~= -huge then
    if n >= 0 then
      if n < 128 then return char(n) end
      if n < 256 then return '\204' .. char(n) end
      if n < 65536 then return '\205' .. be(n, 2) end
      if n < 4294967296 then return '\206' .. be(n, 4) end
      return '\207' .. be(n, 8)
    end
    if n >= -32 then return char(256 + n) end
    if n >= -128 then return '\208' .. char(256 + n) end
    if n >= -32768 then return '\209' .. be(65536 + n, 2) end
    if n >= -2147483648 then return '\210' .. be(4294967296 + n, 4) end
    return '\211' .. struct.pack('>l', n)
  end
  local f = struct.pack('>f', n)
  if struct.unpack('>f', f) == n or n ~= n then return '\202' .. f end
  return '\203' .. struct.pack('>d', n)
end

function encode(v, depth)
  local t = type(v)
  if t == 'nil' then return '\192' end
  if t == 'boolean' then return v and '\195' or '\194' end
  if t == 'number' then return encode_number(v) end
  if t == 'string' then
    local n = #v
    if n < 32 then return char(160 + n) .. v end
    if n < 256 then return '\217' .. char(n) .. v end
    if n < 65536 then return '\218' .. be(n, 2) .. v end
    return '\219' .. be(n, 4) .. v
  end
  if t == 'table' then
    if depth > 16 then return '\192' end
    local array, n = is_array(v)
    local parts = {}
    if array then
      for i = 1, n do parts[i] = encode(v[i], depth + 1) end
      local head = n < 16 and char(144 + n) or n < 65536 and '\220' .. be(n, 2) or '\221' .. be(n, 4)
      return head .. concat(parts)
    end
    n = 0
    for k, val in pairs(v) do
      n = n + 1
      parts[n] = encode(k, depth + 1) .. encode(val, depth + 1)
    end
    local head = n < 16 and char(128 + n) or n < 65536 and '\222' .. be(n, 2) or '\223' .. be(n, 4)
    return head .. concat(parts)
  end
  return '\192'
end

local function uint(s, i, bytes)
  local n = 0
  for k = i, i + bytes - 1 do n = n * 256 + byte(s, k) end
  return n
end

local decode
local function need(s, i, n)
  if i + n - 1 > #s then error('Missing bytes in input.', 0) end
end

local function decode_items(s, i, n, map)
  local t = {}
  for k = 1, n do
    if map then
      local key, val
      key, i = decode(s, i)
      val, i = decode(s, i)
      if key ~= nil then t[key] = val end
    else
      t[k], i = decode(s, i)
    end
  end
  return t, i
end

local function signed(n, bits)
  if n >= 2^(bits - 1) then return n - 2^bits end
  return n
end

function decode(s, i)
  need(s, i, 1)
  local c = byte(s, i)
  i = i + 1
  if c < 128 then return c, i end
  if c >= 224 then return c - 256, i end
  if c >= 160 and c < 192 then need(s, i, c - 160) return sub(s, i, i + c - 161), i + c - 160 end
  if c >= 144 and c < 160 then return decode_items(s, i, c - 144, false) end
  if c >= 128 and c < 144 then return decode_items(s, i, c - 128, true) end
  if c == 192 then return nil, i end
  if c == 194 then return false, i end
  if c == 195 then return true, i end
  if c == 202 then need(s, i, 4) return (struct.unpack('>f', sub(s, i, i + 3))), i + 4 end
  if c == 203 then need(s, i, 8) return (struct.unpack('>d', sub(s, i, i + 7))), i + 8 end
  if c == 204 then need(s, i, 1) return uint(s, i, 1), i + 1 end
  if c == 205 then need(s, i, 2) return uint(s, i, 2), i + 2 end
  if c == 206 then need(s, i, 4) return uint(s, i, 4), i + 4 end
  if c == 207 then need(s, i, 8) return uint(s, i, 8), i + 8 end
  if c == 208 then need(s, i, 1) return signed(uint(s, i, 1), 8), i + 1 end
  if c == 209 then need(s, i, 2) return signed(uint(s, i, 2), 16), i + 2 end
  if c == 210 then need(s, i, 4) return signed(uint(s, i, 4), 32), i + 4 end
  if c == 211 then need(s, i, 8) return (struct.unpack('>l', sub(s, i, i + 7))), i + 8 end
  if c == 217 or c == 196 then need(s, i, 1) local n = uint(s, i, 1) need(s, i + 1, n) return sub(s, i + 1, i + n), i + 1 + n end
  if c == 218 or c == 197 then need(s, i, 2) local n = uint(s, i, 2) need(s, i + 2, n) return sub(s, i + 2, i + 1 + n), i + 2 + n end
  if c == 219 or c == 198 then need(s, i, 4) local n = uint(s, i, 4) need(s, i + 4, n) return sub(s, i + 4, i + 3 + n), i + 4 + n end
  if c == 220 then need(s, i, 2) return decode_items(s, i + 2, uint(s, i, 2), false) end
  if c == 221 then need(s, i, 4) return decode_items(s, i + 4, uint(s, i, 4), false) end
  if c == 222 then need(s, i, 2) return decode_items(s, i + 2, uint(s, i, 2), true) end
  if c == 223 then need(s, i, 4) return decode_items(s, i + 4, uint(s, i, 4), true) end
  error('Bad data format in input.', 0)
end

local function decode_all(s, limit, offset)
  local values, n, i = {}, 0, offset + 1
  while i <= #s and (limit <= 0 or n < limit) do
    n = n + 1
    values[n], i = decode(s, i)
  end
  return values, n, i
end

-- Errors are reported at the script's call, as the C library's luaL_error does.
local function unpack_limited(s, limit, offset)
  if type(s) ~= 'string' then error("bad argument #1 to 'unpack' (string expected, got " .. type(s) .. ')', 3) end
  local ok, values, n, i = pcall(decode_all, s, limit, offset)
  if not ok then error(values, 3) end
  return values, n, i
end

cmsgpack = {
  pack = function(...)
    local n = select('#', ...)
    if n == 0 then error("bad argument #0 to 'pack' (MessagePack pack needs input.)", 2) end
    local parts = {}
    for k = 1, n do parts[k] = encode((select(k, ...)), 0) end
    return concat(parts)
  end,
  unpack = function(s)
    local values, n = unpack_limited(s, 0, 0)
    return unpack(values, 1, n)
  end,
  unpack_one = function(s, offset)
    local values, n, i = unpack_limited(s, 1, offset or 0)
    return (i > #s and -1 or i - 1), unpack(values, 1, n)
  end,
  unpack_limit = function(s, limit, offset)
    local values, n, i = unpack_limited(s, limit, offset or 0)
    return (i > #s and -1 or i - 1), unpack(values, 1, n)
  end,
  _NAME = 'cmsgpack', _VERSION = 'lua-cmsgpack 0.4.0',
}
