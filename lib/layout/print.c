/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A plan as text for people and as JSON for scripts: text to a FILE the
 * caller passes, JSON as text the caller frees (or to a FILE); the
 * planner itself never prints.
 */
#include "layout/layout.h"
#include "util/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const level_names[PVB_PT_MAX_LEVELS] = { "L1", "L2", "L3", "L4" };

/* Unmapped segments have no virtual range, except the outside P->M list. */
static bool has_vrange(const struct pvb_plan_segment *s)
{
    return s->mapped || s->vstart || s->vend;
}

static int finish(FILE *f, pvb_error *err)
{
    return ferror(f) ? fail(err, -EIO, "printing the plan: write error") : 0;
}

static int check_args(const struct pvb_plan *plan, FILE *f, pvb_error *err)
{
    if (!plan || !f)
        return fail(err, -EINVAL, "printing the plan: %s is NULL",
                    !plan ? "the plan" : "the file");
    return 0;
}

/* ------------------------------------------------------------------ text */

/* A map of the plan's host cpus, or "all" for none (no restriction). */
static const char *cpus_text(const struct pvb_plan *plan, const uint64_t *map,
                             char *buf, size_t size)
{
    return map ? pvb_cpumap_format(map, plan->nr_host_cpus, buf, size) : "all";
}

static void text_affinity(FILE *f, const struct pvb_plan *plan)
{
    char h[256], s[256], v[256];
    if (!plan->numa_placed && (plan->cpus[0] || plan->cpus_soft[0]))
        fprintf(f, "affinity: cpus \"%s\" cpus_soft \"%s\" (resolved on the host)\n",
                plan->cpus, plan->cpus_soft);
    for (unsigned i = 0; i < plan->nr_affinity; i++) {
        const struct pvb_plan_affinity *a = &plan->affinity[i];
        char who[32];
        if (plan->nr_affinity == 1)
            snprintf(who, sizeof who, "vcpus all");
        else
            snprintf(who, sizeof who, "vcpu %u", i);
        fprintf(f, "affinity: %s hard %s soft %s\n", who,
                cpus_text(plan, a->has_hard ? a->hard : NULL, h, sizeof h),
                cpus_text(plan, a->has_soft ? a->soft : NULL, s, sizeof s));
    }
    if (plan->has_placement_soft)
        fprintf(f, "affinity: soft %s (the nodes placement chose)\n",
                cpus_text(plan, plan->placement_soft, s, sizeof s));
    for (unsigned i = 0; i < plan->nr_vnodes; i++) {
        const struct pvb_plan_vnode *n = &plan->vnodes[i];
        fprintf(f, "vnode %u: pfns 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " MiB) on "
                "node %u, vcpus %s, distances", i, n->pfn, n->pfn + n->pages - 1,
                n->pages >> 8, n->pnode,
                pvb_cpumap_format(n->vcpus, plan->max_vcpus, v, sizeof v));
        for (unsigned j = 0; j < plan->nr_vnodes; j++)
            fprintf(f, "%s%u", j ? "," : " ", n->distances[j]);
        if (plan->nr_host_cpus)
            fprintf(f, ", soft %s", cpus_text(plan, n->pnode_cpus, s, sizeof s));
        fputc('\n', f);
    }
}

static void text_mapping(FILE *f, const struct pvb_plan *plan, const char *name,
                         const struct pvb_plan_mapping *m)
{
    fprintf(f, "  %s 0x%" PRIx64 "-0x%" PRIx64 " -> pfn 0x%" PRIx64 " + 0x%"
            PRIx64 ", 0x%" PRIx64 " tables of its own from pfn 0x%" PRIx64 "\n",
            name, m->vstart, m->vend, m->pfn, m->pages, m->nr_tables,
            m->table_pfn);
    for (int l = (int)plan->levels - 1; l >= 0; l--) {
        const struct pvb_plan_level *lv = &m->level[l];
        fprintf(f, "    %s entries %u..%u", level_names[l],
                m->index_first[l], m->index_last[l]);
        if (lv->count)
            fprintf(f, ": %" PRIu64 " table%s at pfn 0x%" PRIx64
                    " covering 0x%" PRIx64 "-0x%" PRIx64 "\n", lv->count,
                    lv->count == 1 ? "" : "s", lv->pfn, lv->first, lv->last);
        else
            fprintf(f, ": shared with the initial mapping\n");
    }
}

int pvb_plan_print_text(const struct pvb_plan *plan, FILE *f, pvb_error *err)
{
    if (check_args(plan, f, err) < 0)
        return -EINVAL;
    const struct pvb_plan_start_info *si = &plan->si;

    fprintf(f, "guest: %s, %u-level page tables, %" PRIu64 " MiB = 0x%" PRIx64
            " pages, virt_base 0x%" PRIx64 "\n",
            plan->levels == 4 ? "x86_64" : "x86_32 PAE", plan->levels,
            plan->memory_mib, plan->nr_pages, plan->virt_base);
    fprintf(f, "%-15s %-10s %-10s %s\n", "segment", "pfn", "pages", "virtual");
    for (size_t i = 0; i < plan->nr_segments; i++) {
        const struct pvb_plan_segment *s = &plan->segments[i];
        char pfn[24], pages[24];
        snprintf(pfn, sizeof pfn, "0x%" PRIx64, s->pfn);
        snprintf(pages, sizeof pages, "0x%" PRIx64, s->pages);
        fprintf(f, "%-15s %-10s %-10s ", s->name, pfn, pages);
        if (has_vrange(s))
            fprintf(f, "0x%" PRIx64 "-0x%" PRIx64 "%s\n", s->vstart, s->vend,
                    s->mapped ? "" : " (own mapping)");
        else
            fprintf(f, "(unmapped)\n");
    }
    fprintf(f, "virt_alloc_end  0x%" PRIx64 "\n", plan->virt_alloc_end);
    fprintf(f, "virt_pgtab_end  0x%" PRIx64 "\n", plan->virt_pgtab_end);
    fprintf(f, "pfns used       0x%" PRIx64 " of 0x%" PRIx64 "\n",
            plan->total_pfns, plan->nr_pages);
    fprintf(f, "p2m             %s, 0x%" PRIx64 " pages of %u-byte entries at 0x%"
            PRIx64 "%s\n", plan->p2m_outside ? "outside" : "inside",
            plan->p2m_pages, plan->p2m_entry_size, si->mfn_list,
            plan->p2m_outside ? (plan->p2m_from_note ? " (INIT_P2M note)" :
                                 " (configured)") : "");
    fprintf(f, "page tables:\n");
    text_mapping(f, plan, "initial mapping", &plan->initial);
    if (plan->p2m_outside)
        text_mapping(f, plan, "p2m mapping", &plan->p2m);
    fprintf(f, "start_info: nr_pages 0x%" PRIx64 " flags 0x%" PRIx32
            " pt_base 0x%" PRIx64 " nr_pt_frames 0x%" PRIx64 " mfn_list 0x%"
            PRIx64 "\n", si->nr_pages, si->flags, si->pt_base,
            si->nr_pt_frames, si->mfn_list);
    fprintf(f, "            mod_start 0x%" PRIx64 " mod_len 0x%" PRIx64
            " first_p2m_pfn 0x%" PRIx64 " nr_p2m_frames 0x%" PRIx64 "\n",
            si->mod_start, si->mod_len, si->first_p2m_pfn, si->nr_p2m_frames);
    fprintf(f, "pfns: start_info 0x%" PRIx64 " xenstore 0x%" PRIx64
            " console 0x%" PRIx64 " boot_stack 0x%" PRIx64, plan->start_info_pfn,
            plan->xenstore_pfn, plan->console_pfn, plan->boot_stack_pfn);
    if (plan->has_hypercall_page)
        fprintf(f, " hypercall_page 0x%" PRIx64, plan->hypercall_pfn);
    fprintf(f, "\nvcpu: rip 0x%" PRIx64 " rsp 0x%" PRIx64 " rsi 0x%" PRIx64 "\n",
            plan->vcpu.rip, plan->vcpu.rsp, plan->vcpu.rsi);
    for (unsigned i = 0; i < plan->nr_numa; i++)
        fprintf(f, "numa: pfns 0x%" PRIx64 "-0x%" PRIx64 " (0x%" PRIx64 " pages, %"
                PRIu64 " MiB) on node %u\n", plan->numa[i].pfn,
                plan->numa[i].pfn + plan->numa[i].pages - 1, plan->numa[i].pages,
                plan->numa[i].pages >> 8, plan->numa[i].node);
    text_affinity(f, plan);
    for (unsigned i = 0; i < plan->nr_warnings; i++)
        fprintf(f, "warning: %s\n", plan->warnings[i]);
    return finish(f, err);
}

/* ------------------------------------------------------------------ JSON */

void plan_json_affinity(struct json *j, const struct pvb_plan *plan)
{
    char buf[1024];
    json_array(j, "affinity");
    for (unsigned i = 0; i < plan->nr_affinity; i++) {
        const struct pvb_plan_affinity *a = &plan->affinity[i];
        json_object(j, NULL);
        if (plan->nr_affinity == 1)
            json_string(j, "vcpus", "all");
        else
            json_uint(j, "vcpu", i);
        json_string(j, "hard", a->has_hard ? cpus_text(plan, a->hard, buf, sizeof buf) : NULL);
        json_string(j, "soft", a->has_soft ? cpus_text(plan, a->soft, buf, sizeof buf) : NULL);
        json_object_end(j);
    }
    json_array_end(j);
    json_string(j, "placement_soft", plan->has_placement_soft
                ? cpus_text(plan, plan->placement_soft, buf, sizeof buf) : NULL);
    json_array(j, "vnodes");
    for (unsigned i = 0; i < plan->nr_vnodes; i++) {
        const struct pvb_plan_vnode *n = &plan->vnodes[i];
        json_object(j, NULL);
        json_hex(j, "pfn", n->pfn);
        json_hex(j, "pages", n->pages);
        json_uint(j, "pnode", n->pnode);
        json_string(j, "vcpus", pvb_cpumap_format(n->vcpus, plan->max_vcpus, buf, sizeof buf));
        json_array(j, "distances");
        for (unsigned d = 0; d < plan->nr_vnodes; d++)
            json_uint(j, NULL, n->distances[d]);
        json_array_end(j);
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_mapping(struct json *j, const struct pvb_plan *plan,
                         const char *key, const struct pvb_plan_mapping *m)
{
    json_object(j, key);
    json_hex(j, "vstart", m->vstart);
    json_hex(j, "vend", m->vend);
    json_hex(j, "pfn", m->pfn);
    json_hex(j, "pages", m->pages);
    json_hex(j, "table_pfn", m->table_pfn);
    json_hex(j, "nr_tables", m->nr_tables);
    json_array(j, "levels");
    for (int l = (int)plan->levels - 1; l >= 0; l--) {
        const struct pvb_plan_level *lv = &m->level[l];
        json_object(j, NULL);
        json_string(j, "level", level_names[l]);
        json_uint(j, "count", lv->count);
        if (lv->count) {
            json_hex(j, "pfn", lv->pfn);
            json_hex(j, "first", lv->first);
            json_hex(j, "last", lv->last);
        }
        json_uint(j, "index_first", m->index_first[l]);
        json_uint(j, "index_last", m->index_last[l]);
        json_object_end(j);
    }
    json_array_end(j);
    json_object_end(j);
}

void plan_json_segments(struct json *j, const struct pvb_plan *plan)
{
    json_array(j, "segments");
    for (size_t i = 0; i < plan->nr_segments && i < PVB_PLAN_MAX_SEGMENTS; i++) {
        const struct pvb_plan_segment *s = &plan->segments[i];
        json_object(j, NULL);
        json_string_n(j, "name", s->name, sizeof s->name);
        if (has_vrange(s)) {
            json_hex(j, "vstart", s->vstart);
            json_hex(j, "vend", s->vend);
        } else {
            json_null(j, "vstart");
            json_null(j, "vend");
        }
        json_hex(j, "pfn", s->pfn);
        json_hex(j, "pages", s->pages);
        json_bool(j, "mapped", s->mapped);
        json_object_end(j);
    }
    json_array_end(j);
}

void plan_json_numa(struct json *j, const struct pvb_plan *plan)
{
    json_array(j, "numa");
    for (unsigned i = 0; i < plan->nr_numa && i < PVB_PLAN_MAX_NUMA; i++) {
        json_object(j, NULL);
        json_hex(j, "pfn", plan->numa[i].pfn);
        json_hex(j, "pages", plan->numa[i].pages);
        json_uint(j, "node", plan->numa[i].node);
        json_object_end(j);
    }
    json_array_end(j);
}

int pvb_plan_json(const struct pvb_plan *plan, char **out, pvb_error *err)
{
    if (out)
        *out = NULL;
    if (!plan || !out)
        return fail(err, -EINVAL, "the plan as JSON: %s is NULL",
                    !plan ? "the plan" : "the output pointer");
    struct json j;
    const struct pvb_plan_start_info *si = &plan->si;

    json_begin(&j);
    json_object(&j, NULL);
    json_string(&j, "arch", plan->levels == 4 ? "x86_64" : "x86_32p");
    json_uint(&j, "levels", plan->levels);
    json_uint(&j, "memory_mib", plan->memory_mib);
    json_hex(&j, "nr_pages", plan->nr_pages);
    json_hex(&j, "virt_base", plan->virt_base);
    plan_json_segments(&j, plan);
    json_hex(&j, "virt_alloc_end", plan->virt_alloc_end);
    json_hex(&j, "virt_pgtab_end", plan->virt_pgtab_end);
    json_hex(&j, "total_pfns", plan->total_pfns);

    json_object(&j, "p2m");
    json_string(&j, "placement", plan->p2m_outside ? "outside" : "inside");
    if (plan->p2m_outside)
        json_string(&j, "source", plan->p2m_from_note ? "INIT_P2M" : "config");
    json_hex(&j, "vaddr", si->mfn_list);
    json_uint(&j, "entry_size", plan->p2m_entry_size);
    json_hex(&j, "list_pages", plan->p2m_pages);
    const struct pvb_plan_segment *list = pvb_plan_segment(plan, PVB_SEG_P2M);
    if (list)
        json_hex(&j, "pfn", list->pfn);
    if (plan->p2m_outside) {
        json_hex(&j, "nr_tables", plan->p2m.nr_tables);
        json_hex(&j, "nr_frames", si->nr_p2m_frames);
    }
    json_object_end(&j);

    json_object(&j, "page_tables");
    json_mapping(&j, plan, "initial", &plan->initial);
    if (plan->p2m_outside)
        json_mapping(&j, plan, "p2m", &plan->p2m);
    json_object_end(&j);

    json_object(&j, "start_info");
    json_hex(&j, "nr_pages", si->nr_pages);
    json_hex(&j, "flags", si->flags);
    json_hex(&j, "pt_base", si->pt_base);
    json_hex(&j, "nr_pt_frames", si->nr_pt_frames);
    json_hex(&j, "mfn_list", si->mfn_list);
    json_hex(&j, "mod_start", si->mod_start);
    json_hex(&j, "mod_len", si->mod_len);
    json_hex(&j, "first_p2m_pfn", si->first_p2m_pfn);
    json_hex(&j, "nr_p2m_frames", si->nr_p2m_frames);
    json_object_end(&j);

    json_object(&j, "pfns");
    json_hex(&j, "start_info", plan->start_info_pfn);
    json_hex(&j, "xenstore", plan->xenstore_pfn);
    json_hex(&j, "console", plan->console_pfn);
    json_hex(&j, "boot_stack", plan->boot_stack_pfn);
    if (plan->has_hypercall_page)
        json_hex(&j, "hypercall_page", plan->hypercall_pfn);
    else
        json_null(&j, "hypercall_page");
    json_object_end(&j);

    json_object(&j, "vcpu");
    json_hex(&j, "rip", plan->vcpu.rip);
    json_hex(&j, "rsp", plan->vcpu.rsp);
    json_hex(&j, "rsi", plan->vcpu.rsi);
    json_object_end(&j);

    plan_json_numa(&j, plan);
    plan_json_affinity(&j, plan);

    json_array(&j, "warnings");
    for (unsigned i = 0; i < plan->nr_warnings && i < PVB_PLAN_MAX_WARNINGS; i++)
        json_string_n(&j, NULL, plan->warnings[i], sizeof plan->warnings[i]);
    json_array_end(&j);
    json_object_end(&j);
    return json_end(&j, "the plan", out, err);
}

int pvb_plan_print_json(const struct pvb_plan *plan, FILE *f, pvb_error *err)
{
    if (check_args(plan, f, err) < 0)
        return -EINVAL;
    char *text;
    int rc = pvb_plan_json(plan, &text, err);
    if (rc < 0)
        return rc;
    fputs(text, f);
    free(text);
    return finish(f, err);
}
