-- cjson as Redis ships it (encode, decode, and the settings functions scripts call), in Lua.
local type, pairs, tostring, tonumber, error, format, concat, byte, char, sub, floor, huge, select =
      type, pairs, tostring, tonumber, error, string.format, table.concat, string.byte, string.char, string.sub,
      math.floor, math.huge, select

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f',
                  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function escape_char(c) return escapes[c] or format('\\u%04x', byte(c)) end

local encode_value
local function array_length(t)
  local max, n = 0, 0
  for k in pairs(t) do
    if type(k) ~= 'number' or k < 1 or floor(k) ~= k then return nil end
    if k > max then max = k end
    n = n + 1
  end
  if max > n * 2 and max > 10 then error('Cannot serialise table: excessively sparse array', 0) end
  if max == 0 then return nil end -- an empty table is an object
  return max
end

function encode_value(v, depth)
  local t = type(v)
  if t == 'string' then return '"' .. v:gsub('[%c"\\/]', escape_char) .. '"' end
  if t == 'number' then
    if v ~= v or v == huge or v == -huge then error('Cannot serialise number: must not be NaN or Inf', 0) end
    return format('%.14g', v)
  end
  if t == 'boolean' then return tostring(v) end
  if t == 'nil' then return 'null' end
  if t == 'table' then
    if v == cjson.null then return 'null' end
    if depth > 1000 then error('Cannot serialise, excessive nesting (1001)', 0) end
    local n = array_length(v)
    local parts = {}
    if n then
      for i = 1, n do parts[i] = encode_value(v[i], depth + 1) end
      return '[' .. concat(parts, ',') .. ']'
    end
    for k, val in pairs(v) do
      local key
      if type(k) == 'string' then key = k elseif type(k) == 'number' then key = format('%.14g', k)
      else error('Cannot serialise ' .. type(k) .. ': table key must be a number or string', 0) end
      parts[#parts + 1] = encode_value(key, depth + 1) .. ':' .. encode_value(val, depth + 1)
    end
    return '{' .. concat(parts, ',') .. '}'
  end
  if t == 'userdata' and v == nil then return 'null' end
  error('Cannot serialise ' .. t .. ': type not supported', 0)
end

local decode_value
local function skip(s, i)
  local _, e = s:find('^[ \n\r\t]*', i)
  return e + 1
end
-- The token found where another was expected, named as lua-cjson names them.
local function token_at(s, i)
  local c = sub(s, i, i)
  if c == '' then return 'T_END' end
  local names = { ['{'] = 'T_OBJ_BEGIN', ['}'] = 'T_OBJ_END', ['['] = 'T_ARR_BEGIN', [']'] = 'T_ARR_END',
                  [':'] = 'T_COLON', [','] = 'T_COMMA', ['"'] = 'T_STRING' }
  if names[c] then return names[c] end
  if c:match('[%d%-]') then return 'T_NUMBER' end
  if s:find('^true', i) or s:find('^false', i) then return 'T_BOOLEAN' end
  if s:find('^null', i) then return 'T_NULL' end
  return 'invalid token'
end
local function fail(s, i, what)
  error(format('Expected %s but found %s at character %d', what, token_at(s, i), i), 0)
end

local function utf8(code)
  if code < 0x80 then return char(code) end
  if code < 0x800 then return char(0xC0 + floor(code / 64), 0x80 + code % 64) end
  if code < 0x10000 then
    return char(0xE0 + floor(code / 4096), 0x80 + floor(code / 64) % 64, 0x80 + code % 64)
  end
  return char(0xF0 + floor(code / 262144), 0x80 + floor(code / 4096) % 64, 0x80 + floor(code / 64) % 64, 0x80 + code % 64)
end

local unescapes = { b = '\b', f = '\f', n = '\n', r = '\r', t = '\t', ['"'] = '"', ['\\'] = '\\', ['/'] = '/' }
local function decode_string(s, i)
  local parts, j = {}, i + 1
  while true do
    local c = sub(s, j, j)
    if c == '' then fail(s, i, 'string') end
    if c == '"' then return concat(parts), j + 1 end
    if c == '\\' then
      local e = sub(s, j + 1, j + 1)
      if e == 'u' then
        local code = tonumber(sub(s, j + 2, j + 5), 16)
        if not code then fail(s, j, 'unicode escape') end
        j = j + 6
        if code >= 0xD800 and code <= 0xDBFF and sub(s, j, j + 1) == '\\u' then
          local low = tonumber(sub(s, j + 2, j + 5), 16)
          if low and low >= 0xDC00 and low <= 0xDFFF then
            code = 0x10000 + (code - 0xD800) * 1024 + (low - 0xDC00)
            j = j + 6
          end
        end
        parts[#parts + 1] = utf8(code)
      else
        local u = unescapes[e]
        if not u then fail(s, j, 'escape') end
        parts[#parts + 1] = u
        j = j + 2
      end
    else
      local k = s:find('["\\]', j)
      if not k then fail(s, i, 'string') end
      parts[#parts + 1] = sub(s, j, k - 1)
      j = k
    end
  end
end

function decode_value(s, i, depth)
  i = skip(s, i)
  local c = sub(s, i, i)
  if c == '{' then
    if depth > 1000 then error('Found too many nested data structures (1001) at character ' .. i, 0) end
    local t = {}
    i = skip(s, i + 1)
    if sub(s, i, i) == '}' then return t, i + 1 end
    while true do
      i = skip(s, i)
      if sub(s, i, i) ~= '"' then fail(s, i, 'object key string') end
      local k
      k, i = decode_string(s, i)
      i = skip(s, i)
      if sub(s, i, i) ~= ':' then fail(s, i, 'colon') end
      t[k], i = decode_value(s, i + 1, depth + 1)
      i = skip(s, i)
      local d = sub(s, i, i)
      if d == '}' then return t, i + 1 end
      if d ~= ',' then fail(s, i, 'comma or object end') end
      i = i + 1
    end
  elseif c == '[' then
    if depth > 1000 then error('Found too many nested data structures (1001) at character ' .. i, 0) end
    local t, n = {}, 0
    i = skip(s, i + 1)
    if sub(s, i, i) == ']' then return t, i + 1 end
    while true do
      n = n + 1
      t[n], i = decode_value(s, i, depth + 1)
      i = skip(s, i)
      local d = sub(s, i, i)
      if d == ']' then return t, i + 1 end
      if d ~= ',' then fail(s, i, 'comma or array end') end
      i = i + 1
    end
  elseif c == '"' then
    return decode_string(s, i)
  elseif s:find('^true', i) then return true, i + 4
  elseif s:find('^false', i) then return false, i + 5
  elseif s:find('^null', i) then return cjson.null, i + 4
  else
    local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', i)
    if num and num ~= '' and tonumber(num) then return tonumber(num), i + #num end
    fail(s, i, 'value')
  end
end

cjson = {
  encode = function(...)
    if select('#', ...) ~= 1 then error('bad argument #1 to \'encode\' (expected 1 argument)', 2) end
    local ok, text = pcall(encode_value, (...), 0)
    if not ok then error(text, 2) end
    return text
  end,
  decode = function(s)
    if type(s) == 'number' then s = tostring(s) end
    if type(s) ~= 'string' then error("bad argument #1 to 'decode' (string expected, got " .. type(s) .. ')', 2) end
    local ok, v, i = pcall(decode_value, s, 1, 0)
    if ok then
      i = skip(s, i)
      if i <= #s then ok, v = pcall(fail, s, i, 'the end') end
    end
    if not ok then error(v, 2) end
    return v
  end,
  encode_keep_buffer = function() end,
  encode_max_depth = function() end,
  decode_max_depth = function() end,
  encode_number_precision = function() end,
  encode_invalid_numbers = function() end,
  decode_invalid_numbers = function() end,
  encode_sparse_array = function() end,
  _NAME = 'cjson', _VERSION = '2.1.0',
}
cjson.null = setmetatable({}, { __tostring = function() return 'null' end })
