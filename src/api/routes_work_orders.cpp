#include "api/render.h"
#include "api/routes.h"
#include "core/json_util.h"
#include "domain/descriptors.h"
#include "http/multipart.h"

namespace dcmms::api {

namespace {

std::string woLink(const std::string& id) { return "/api/v1/work-orders/" + id; }

http::Response woResponse(ApiCall& call, const json::object& wo, int status = 200) {
  domain::ListQuery q;
  std::string body = renderWorkOrder(call, wo, q);
  const std::string id = domain::str(wo, "workOrderId");
  http::Response r = dataResponse(call, std::move(body), status, woLink(id));
  if (auto* v = wo.if_contains("version"); v && v->is_int64()) setEtag(r, v->get_int64());
  if (status == 201) r.setHeader("Location", woLink(id));
  return r;
}

}  // namespace

void registerWorkOrderRoutes(ApiRoutes& r) {
  using http::RouteInfo;
  const std::string base = "/api/v1/work-orders";
  const std::vector<std::string> listParams = {"page", "pageSize", "sort", "fields", "expand", "filter[field][op]"};

  r.add("GET", base, {"List work orders (filter, sort, fields, expand, pagination)", "work-orders", true, "", "WorkOrderPage", listParams},
        [](ApiCall& call) {
          auto q = call.listQuery(domain::workOrderDescriptor());
          auto page = call.app.workOrders.list(call.ctx, q);
          std::string items = "[";
          for (size_t i = 0; i < page.rows.size(); ++i) {
            if (i) items += ",";
            items += renderWorkOrder(call, page.rows[i].docText, q);
          }
          items += "]";
          return pageResponse(call, items, q, page.totalItems);
        });
  r.add("POST", base, {"Create a work order (draft)", "work-orders", true, "WorkOrderCreate", "WorkOrder", {}, 201},
        [](ApiCall& call) { return woResponse(call, call.app.workOrders.create(call.ctx, call.body()), 201); });
  r.add("GET", base + "/{id}", {"Get a work order", "work-orders", true, "", "WorkOrder", {"fields", "expand"}},
        [](ApiCall& call) {
          auto q = call.listQuery(domain::workOrderDescriptor());
          auto stored = call.app.workOrders.getStored(call.ctx, call.param("id"));
          http::Response resp = dataResponse(call, renderWorkOrder(call, stored.docText, q), 200, woLink(call.param("id")));
          setEtag(resp, stored.version);
          return resp;
        });
  r.add("PATCH", base + "/{id}", {"Update work-order fields allowed in its state (If-Match required)", "work-orders", true, "WorkOrderPatch", "WorkOrder"},
        [](ApiCall& call) {
          return woResponse(call, call.app.workOrders.patch(call.ctx, call.param("id"), call.body(), call.ifMatch()));
        });
  r.add("DELETE", base + "/{id}", {"Delete a draft work order", "work-orders", true, "", "", {}, 204}, [](ApiCall& call) {
    call.app.workOrders.remove(call.ctx, call.param("id"));
    return noContent();
  });
  r.add("POST", base + "/{id}/transitions", {"Move a work order through its lifecycle", "work-orders", true, "Transition", "WorkOrder"},
        [](ApiCall& call) { return woResponse(call, call.app.workOrders.transition(call.ctx, call.param("id"), call.body())); });
  r.add("POST", base + "/{id}/tasks", {"Add a task", "work-orders", true, "Task", "WorkOrder", {}, 201},
        [](ApiCall& call) { return woResponse(call, call.app.workOrders.addTask(call.ctx, call.param("id"), call.body()), 201); });
  r.add("PATCH", base + "/{id}/tasks/{taskId}", {"Change a task's status", "work-orders", true, "TaskUpdate", "WorkOrder"},
        [](ApiCall& call) {
          return woResponse(call, call.app.workOrders.updateTask(call.ctx, call.param("id"), call.param("taskId"), call.body()));
        });
  r.add("POST", base + "/{id}/labor", {"Record labour", "work-orders", true, "LaborRecord", "WorkOrder", {}, 201},
        [](ApiCall& call) { return woResponse(call, call.app.workOrders.addLabor(call.ctx, call.param("id"), call.body()), 201); });
  r.add("POST", base + "/{id}/parts-used", {"Record a consumed part", "work-orders", true, "PartUsed", "WorkOrder", {}, 201},
        [](ApiCall& call) { return woResponse(call, call.app.workOrders.addPartUsed(call.ctx, call.param("id"), call.body()), 201); });
  r.add("POST", base + "/{id}/measurements", {"Record a measurement", "work-orders", true, "Measurement", "WorkOrder", {}, 201},
        [](ApiCall& call) {
          return woResponse(call, call.app.workOrders.addMeasurement(call.ctx, call.param("id"), call.body()), 201);
        });
  r.add("POST", base + "/{id}/permits", {"Add a permit requirement", "permits", true, "Permit", "WorkOrder", {}, 201},
        [](ApiCall& call) { return woResponse(call, call.app.workOrders.addPermit(call.ctx, call.param("id"), call.body()), 201); });
  r.add("POST", "/api/v1/permits/{permitId}/transitions", {"Move a permit through its lifecycle", "permits", true, "Transition", "WorkOrder"},
        [](ApiCall& call) {
          return woResponse(call, call.app.workOrders.permitTransition(call.ctx, call.param("permitId"), call.body()));
        });
  r.add("GET", base + "/{id}/attachments", {"List attachments", "attachments", true, "", "AttachmentList"},
        [](ApiCall& call) { return dataResponse(call, call.app.attachments.listFor(call.ctx, call.param("id"))); });
  r.add("POST", base + "/{id}/attachments",
        {"Upload an attachment (multipart field 'file'; images, PDF, video; ≤50 MB)", "attachments", true, "Multipart", "Attachment", {}, 201},
        [](ApiCall& call) {
          const std::string ct(call.req.header("Content-Type"));
          if (ct.find("multipart/form-data") == std::string::npos)
            fail(Error{415, "UNSUPPORTED_MEDIA_TYPE", "Send the file as multipart/form-data", {}});
          std::vector<http::Part> parts;
          try {
            parts = http::parseMultipart(call.req.body, ct);
          } catch (const ApiException&) {
            throw;
          } catch (const std::exception& e) {
            fail(Error{400, "VALIDATION_ERROR", std::string("Malformed multipart body: ") + e.what(), {}});
          }
          const http::Part* file = nullptr;
          std::string type;
          for (const auto& p : parts) {
            if (p.name == "file" && !file) file = &p;
            if (p.name == "attachmentType") type = std::string(p.data);
          }
          if (!file) fail(Error::validation("file", "MISSING_REQUIRED_FIELD", "multipart field 'file' is required"));
          auto out = call.app.attachments.upload(call.ctx, call.param("id"), file->filename,
                                                 file->contentType.empty() ? "application/octet-stream" : file->contentType,
                                                 file->data, type);
          http::Response resp = dataResponse(call, out, 201, domain::str(out, "url"));
          resp.setHeader("Location", domain::str(out, "url"));
          return resp;
        },
        {true, RateClass::Standard, /*upload=*/true, true});
  r.add("GET", "/api/v1/attachments/{id}", {"Download an attachment", "attachments", true, "", "binary"}, [](ApiCall& call) {
    auto f = call.app.attachments.open(call.ctx, call.param("id"));
    http::Response resp;
    resp.status = 200;
    resp.contentType = f.mimeType;
    resp.filePath = f.path;
    resp.setHeader("Content-Disposition", "inline; filename=\"" + f.fileName + "\"");
    resp.setHeader("X-Content-Type-Options", "nosniff");
    return resp;
  });
}

}  // namespace dcmms::api
