-- Larder's script environment, run once per Lua state (chunk name "=larder", which error positions skip).
-- Java has put its functions in the globals as larder_*; they are captured here and removed again.
local java = {
  call = larder_call, pcall = larder_pcall, sha1hex = larder_sha1hex, log = larder_log,
  setresp = larder_setresp, set_repl = larder_set_repl, tick = larder_tick,
  register_function = larder_register_function,
}
local bitlib, structlib = larder_bit, larder_struct
local G = _G
local dbg = debug
local setfenv, setmetatable, error, type, tostring, rawget, rawset, pairs, next, select =
      setfenv, setmetatable, error, type, tostring, rawget, rawset, pairs, next, select

local function nonexistent(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end

-- Tables scripts may read but not change ("Attempt to modify a readonly table", as Redis 7's patched Lua).
local readonly = setmetatable({}, { __mode = 'k' })
local function refuse() error('Attempt to modify a readonly table', 2) end
local function protect(t)
  local view = setmetatable({}, { __index = t, __newindex = refuse, __metatable = false })
  readonly[view] = true
  return view
end

local function error_reply(e)
  if type(e) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  local space = e:find(' ', e:sub(1, 1) == '-' and 2 or 1, true)
  local body = e:sub(1, 1) == '-' and e:sub(2) or e
  if not space then
    return { err = 'ERR ' .. body:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '') }
  end
  local code, msg = body:match('^([^ ]*) (.*)$')
  return { err = code .. ' ' .. msg:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '') }
end

local function status_reply(s)
  if type(s) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  return { ok = s }
end

-- FUNCTION LOAD runs a library's body with nothing but redis.register_function, redis.log and constants.
local function build_load_env(version, version_num)
  local r = {
    register_function = java.register_function, log = java.log,
    LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
    REDIS_VERSION = version, REDIS_VERSION_NUM = version_num,
  }
  setmetatable(r, { __index = nonexistent, __metatable = false })
  local public = { redis = protect(r) }
  setmetatable(public, { __index = nonexistent, __metatable = false })
  return protect(public)
end

local function redis_api(version, version_num)
  local r = {
    call = java.call, pcall = java.pcall, sha1hex = java.sha1hex,
    error_reply = error_reply, status_reply = status_reply,
    log = java.log, LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
    setresp = java.setresp, set_repl = java.set_repl,
    REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
    replicate_commands = function() return true end,
    breakpoint = function() return false end,
    debug = function() end,
    REDIS_VERSION = version, REDIS_VERSION_NUM = version_num,
  }
  return r
end

-- The globals a script sees: Lua 5.1's base library minus file access and environment tricks.
local allowed = {
  'assert', 'collectgarbage', 'error', 'gcinfo', 'getmetatable', 'ipairs', 'load', 'loadstring', 'next',
  'pairs', 'pcall', 'rawequal', 'rawget', 'select', 'setmetatable', 'tonumber', 'tostring', 'type',
  'unpack', 'xpcall', '_VERSION',
}


local function build_env(version, version_num)
  local public = {}
  for _, name in pairs(allowed) do public[name] = G[name] end
  public.rawset = function(t, k, v)
    if readonly[t] then error('Attempt to modify a readonly table', 0) end
    return rawset(t, k, v)
  end
  for _, lib in pairs({ 'string', 'table', 'math', 'coroutine', 'cjson', 'cmsgpack' }) do
    if G[lib] then public[lib] = protect(G[lib]) end
  end
  -- A chunk compiled at run time gets the script's environment, not Larder's globals.
  local env_of_loaded
  public.loadstring = function(s, name)
    local f, e = G.loadstring(s, name)
    if f then setfenv(f, env_of_loaded) end
    return f, e
  end
  public.load = function(fn, name)
    local f, e = G.load(fn, name)
    if f then setfenv(f, env_of_loaded) end
    return f, e
  end
  -- Redis's pcall hands back the text of an error table ({err=...}, as redis.call raises), not the table.
  local function unwrap(ok, ...)
    if not ok then
      local e = ...
      if type(e) == 'table' and rawget(e, 'err') ~= nil then return false, rawget(e, 'err') end
    end
    return ok, ...
  end
  local lua_pcall = G.pcall
  public.pcall = function(...) return unwrap(lua_pcall(...)) end
  public.bit = protect(bitlib)
  public.struct = protect(structlib)
  public.redis = protect(redis_api(version, version_num))
  setmetatable(public, { __index = nonexistent, __metatable = false })
  local env = protect(public)
  public._G = env
  env_of_loaded = env
  return env, public
end

-- Redis 7's error handler: every error becomes a table {err=...} with the script position it came from.
local function on_error(err)
  local level, info = 2, dbg.getinfo(2, 'nSl')
  while info and (info.what == 'C' or info.source == '=larder') do
    level = level + 1
    info = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring(err) } end
  if info then err.source = info.source; err.line = info.currentline end
  return err
end

-- SCRIPT KILL / FUNCTION KILL and the busy state: Java is asked every 100000 instructions.
-- Once killed, every line raises again, so the script's own pcall cannot swallow the kill; Java answers false
-- again once the run is over, and the count hook is restored.
local function kill_on_every_line()
  if java.tick() then error({ err = 'ERR Script killed by user with SCRIPT KILL...' }) end
end
local function count_hook()
  local killed = java.tick()
  if killed then
    dbg.sethook(kill_on_every_line, 'l')
    error({ err = 'ERR Script killed by user with SCRIPT KILL...' })
  end
end

local script_env, script_globals
local scripts = {}

-- The position a Java library function was called from ("user_script:1: "), as luaL_error reports it:
-- level 1 is this function, 2 the Java function, 3 its caller.
local function where()
  local info = dbg.getinfo(3, 'Sl')
  if info and info.currentline > 0 then return info.short_src .. ':' .. info.currentline .. ': ' end
  return ''
end

larder = {
  where = where,
  init = function(version, version_num)
    script_env, script_globals = build_env(version, version_num)
  end,
  -- Compiled script or function body: runs with the read-only environment.
  define = function(name, fn) setfenv(fn, script_env); scripts[name] = fn end,
  undefine = function(name) scripts[name] = nil end,
  scripts = scripts,
  globals = function() return script_globals end,
  arm = function() dbg.sethook(count_hook, '', 100000) end,
  on_error = on_error,
  -- FUNCTION LOAD: the library body runs once in an environment that has redis.register_function.
  load_env = build_load_env,
  setfenv = setfenv,
}

for k in pairs(java) do G['larder_' .. k] = nil end
G.larder_bit, G.larder_struct = nil, nil
for _, name in pairs({ 'io', 'os', 'package', 'require', 'module', 'dofile', 'loadfile', 'print', 'java',
                       'newproxy', 'getfenv' }) do
  G[name] = nil
end
