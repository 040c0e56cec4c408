package io.larder.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.larder.control.model.CacheParameterGroup;
import io.larder.control.model.DefaultParameters;
import io.larder.control.model.Engine;
import io.larder.control.model.Parameter;
import io.larder.control.service.ParameterGroupService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The REST handlers of the cache parameter group operations (routes in {@link ApiServer}). */
final class ParameterGroupApi {
    private final ParameterGroupService groups;

    ParameterGroupApi(ParameterGroupService groups) {
        this.groups = groups;
    }

    void create(Context ctx) {
        JsonNode b = ApiServer.body(ctx);
        CacheParameterGroup g = groups.create(ApiServer.text(b, "CacheParameterGroupName"),
                ApiServer.text(b, "CacheParameterGroupFamily"), ApiServer.text(b, "Description"));
        ApiServer.send(ctx, 200, Map.of("CacheParameterGroup", Shapes.parameterGroup(g)));
    }

    void describe(Context ctx) {
        List<Object> out = new ArrayList<>();
        groups.describe(ctx.queryParam("CacheParameterGroupName")).forEach(g -> out.add(Shapes.parameterGroup(g)));
        ApiServer.send(ctx, 200, Map.of("CacheParameterGroups", out));
    }

    void modify(Context ctx) {
        String name = groups.modify(ctx.pathParam("name"), nameValues(ApiServer.body(ctx)));
        ApiServer.send(ctx, 200, Map.of("CacheParameterGroupName", name));
    }

    void reset(Context ctx) {
        JsonNode b = ApiServer.body(ctx);
        List<ParameterGroupService.ParameterNameValue> values = nameValues(b);
        List<String> names = values == null ? null
                : values.stream().map(ParameterGroupService.ParameterNameValue::name).toList();
        String name = groups.reset(ctx.pathParam("name"), ApiServer.bool(b, "ResetAllParameters"), names);
        ApiServer.send(ctx, 200, Map.of("CacheParameterGroupName", name));
    }

    void delete(Context ctx) {
        groups.delete(ctx.pathParam("name"));
        ApiServer.send(ctx, 200, Map.of());
    }

    void describeParameters(Context ctx) {
        String name = ctx.pathParam("name");
        List<Parameter> parameters = groups.parameters(name, ctx.queryParam("Source"));
        ApiServer.send(ctx, 200, Map.of("Parameters", Shapes.parameters(parameters, groups.existing(name).engine())));
    }

    void describeEngineDefaults(Context ctx) {
        String family = ctx.queryParam("CacheParameterGroupFamily");
        Engine engine = ParameterGroupService.engineOfFamily(family);
        List<Object> parameters = Shapes.parameters(DefaultParameters.of(engine), engine);
        ApiServer.send(ctx, 200, Map.of("EngineDefaults", Map.of("CacheParameterGroupFamily", family,
                "Parameters", parameters)));
    }

    /** ParameterNameValues: [{"ParameterName": .., "ParameterValue": ..}, ...], or null when absent. */
    private static List<ParameterGroupService.ParameterNameValue> nameValues(JsonNode b) {
        JsonNode v = b.path("ParameterNameValues");
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw ApiException.invalidValue("ParameterNameValues must be a list of {ParameterName, ParameterValue}.");
        }
        List<ParameterGroupService.ParameterNameValue> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isObject()) {
                throw ApiException.invalidValue("ParameterNameValues must be a list of {ParameterName, ParameterValue}.");
            }
            out.add(new ParameterGroupService.ParameterNameValue(ApiServer.text(e, "ParameterName"),
                    ApiServer.text(e, "ParameterValue")));
        }
        return out;
    }
}
